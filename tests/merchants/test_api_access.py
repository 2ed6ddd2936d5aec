"""Who may do what through the API: 404 for what one may not see, 403 for a wrong role,
409 for a wrong state — for every fixture user."""

import pytest

from merchants.models import ApplicationStatus
from tests.factories.merchants import DocumentFactory
from tests.factories.scoring import WORKED_EXAMPLE

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"

# The error body's code for each refusal (workplace.api.errors).
REFUSED = {403: "permission_denied", 404: "not_found", 409: "invalid_state"}


def assert_refused(response, status):
    """The status, and a body that says why in the shared error shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == REFUSED[status] and body["detail"], body


# fixture → status of a review decision (request-changes) on an in_review application of
# ``merchant_user`` assigned to ``recruiter`` in ``department``.
DECISION = {
    "merchant_user": 403,
    "other_merchant_user": 404,
    "recruiter": 403,
    "second_recruiter": 404,
    "outside_recruiter": 404,
    "outside_head": 404,
    "recruitment_head": 200,
    "ops_director": 200,
    "general_manager": 200,
    "admin_user": 200,
    "customer_service": 404,
    "dept_head": 404,
}


@pytest.mark.parametrize("who, expected", DECISION.items())
def test_review_decisions_by_role(who, expected, request, client_for, make_application):
    application = make_application(ApplicationStatus.IN_REVIEW)
    user = request.getfixturevalue(who)
    response = client_for(user).post(f"{URL}{application.pk}/request-changes/", {"reason": "请补充"}, format="json")
    if expected == 200:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == ApplicationStatus.NEEDS_CHANGES
    else:
        assert_refused(response, expected)


VISIT = {
    "merchant_user": 403,
    "other_merchant_user": 404,
    "recruiter": 201,
    "second_recruiter": 404,
    "outside_recruiter": 404,
    "outside_head": 404,
    "recruitment_head": 201,
    "ops_director": 201,
    "customer_service": 404,
}


@pytest.mark.parametrize("who, expected", VISIT.items())
def test_site_visits_by_role(who, expected, request, client_for, make_application):
    application = make_application(ApplicationStatus.IN_REVIEW)
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        f"{URL}{application.pk}/site-visit/", {"visited_on": "2026-01-05", "notes": "ok"}, format="json"
    )
    if expected == 201:
        assert response.status_code == 201, response.json()
        assert (response.json()["visited_on"], response.json()["notes"]) == ("2026-01-05", "ok")
    else:
        assert_refused(response, expected)


@pytest.mark.parametrize("who, expected", [("recruiter", 201), ("merchant_user", 403), ("second_recruiter", 404)])
def test_evaluations_by_role(who, expected, request, client_for, make_application):
    application = make_application(ApplicationStatus.IN_REVIEW)
    user = request.getfixturevalue(who)
    inputs = {key: value for key, value in WORKED_EXAMPLE.items() if key != "category"}  # the merchant's is used
    response = client_for(user).post(f"{URL}{application.pk}/evaluation/", inputs, format="json")
    if expected == 201:
        assert response.status_code == 201, response.json()
        assert response.json()["merchant_class"] == "II"
    else:
        assert_refused(response, expected)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("merchant_user", 200),
        ("other_merchant_user", 404),
        ("recruiter", 200),
        ("recruitment_head", 200),
        ("second_recruiter", 404),
        ("outside_recruiter", 404),
        ("outside_head", 404),
        ("general_manager", 200),
        ("customer_service", 404),
    ],
)
def test_document_downloads_are_permission_checked(who, expected, request, client_for, make_application):
    application = make_application("documents")
    document = application.documents.first()
    response = client_for(request.getfixturevalue(who)).get(f"{URL}{application.pk}/documents/{document.pk}/file/")
    if expected == 200:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert_refused(response, expected)


def test_a_document_of_another_application_is_not_found_through_mine(client_for, make_application, other_merchant_user):
    mine = make_application("documents")
    theirs = DocumentFactory(application__merchant__user=other_merchant_user)
    response = client_for(mine.merchant.user).get(f"{URL}{mine.pk}/documents/{theirs.pk}/file/")
    assert_refused(response, 404)


@pytest.mark.parametrize(
    "status, path, body",
    [
        (ApplicationStatus.DRAFT, "approve/", {}),
        (ApplicationStatus.DRAFT, "reject/", {"reason": "x"}),
        (ApplicationStatus.SIGNED, "request-changes/", {"reason": "x"}),
        (ApplicationStatus.CONTRACT_SENT, "site-visit/", {"visited_on": "2026-01-05", "notes": "x"}),
    ],
)
def test_staff_actions_in_the_wrong_state_conflict(status, path, body, client_for, make_application, recruitment_head):
    application = make_application(status)
    response = client_for(recruitment_head).post(f"{URL}{application.pk}/{path}", body, format="json")
    assert_refused(response, 409)


@pytest.mark.parametrize(
    "status, path, body",
    [
        (ApplicationStatus.IN_REVIEW, "submit/", {}),
        (ApplicationStatus.SIGNED, "withdraw/", {}),
        (ApplicationStatus.IN_REVIEW, "sign/", {"signer_name": "徐明", "consent": True}),
        (ApplicationStatus.SITE_VISIT, "documents/", {}),
    ],
)
def test_merchant_actions_in_the_wrong_state_conflict(status, path, body, client_for, make_application, merchant_user):
    application = make_application(status)
    response = client_for(merchant_user).post(f"{URL}{application.pk}/{path}", body, format="json")
    assert_refused(response, 409)


def test_the_merchant_cannot_edit_after_submitting(client_for, make_application, merchant_user):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(merchant_user).patch(f"{URL}{application.pk}/", {"address": "新地址"}, format="json")
    assert_refused(response, 409)
    application.merchant.refresh_from_db()
    assert application.merchant.address != "新地址"


def test_the_merchant_edits_a_draft(client_for, make_application, merchant_user):
    application = make_application()
    response = client_for(merchant_user).patch(f"{URL}{application.pk}/", {"address": "新地址"}, format="json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["address"]) == (application.pk, "新地址")
    application.merchant.refresh_from_db()
    assert application.merchant.address == "新地址"


def test_reasons_are_required(client_for, make_application, recruitment_head):
    application = make_application(ApplicationStatus.IN_REVIEW)
    for path in ("reject/", "request-changes/"):
        response = client_for(recruitment_head).post(f"{URL}{application.pk}/{path}", {"reason": ""}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_the_merchant_withdraws(client_for, make_application, merchant_user):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(merchant_user).post(f"{URL}{application.pk}/withdraw/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_anonymous_callers_are_refused(api_client, make_application):
    application = make_application()
    for response in (api_client.get(f"{URL}{application.pk}/"), api_client.get(URL)):
        assert response.status_code in (401, 403)
        assert response.json()["code"] == "not_authenticated"


def test_assign_gives_the_merchant_to_the_recruiter(
    client_for, make_application, recruitment_head, second_recruiter, department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    response = client_for(recruitment_head).post(
        f"{URL}{application.pk}/assign/", {"recruiter": second_recruiter.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    application.merchant.refresh_from_db()
    assert (application.merchant.recruiter, application.merchant.department) == (second_recruiter, department)


def test_a_head_cannot_assign_outside_the_department(client_for, make_application, recruitment_head, outside_recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(recruitment_head).post(
        f"{URL}{application.pk}/assign/", {"recruiter": outside_recruiter.pk}, format="json"
    )
    assert response.status_code == 400
    assert "recruiter" in response.json()


def test_recruiters_may_not_assign(client_for, make_application, recruiter, second_recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(recruiter).post(
        f"{URL}{application.pk}/assign/", {"recruiter": second_recruiter.pk}, format="json"
    )
    assert_refused(response, 403)
    application.merchant.refresh_from_db()
    assert application.merchant.recruiter != second_recruiter


def test_heads_see_unassigned_applications(client_for, make_application, recruitment_head, outside_head):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    for head in (recruitment_head, outside_head):
        response = client_for(head).get(f"{URL}{application.pk}/")
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["status"]) == (application.pk, ApplicationStatus.IN_REVIEW)


def test_no_500_on_garbage(client_for, make_application, recruitment_head, other_merchant_user):
    application = make_application(ApplicationStatus.IN_REVIEW)
    head = client_for(recruitment_head)
    merchant = client_for(other_merchant_user)

    def refused_naming(response, *keys):
        assert response.status_code == 400, response.content
        assert set(keys) <= set(response.json()), response.json()

    refused_naming(head.post(f"{URL}{application.pk}/assign/", {"recruiter": "abc"}, format="json"), "recruiter")
    refused_naming(head.post(f"{URL}{application.pk}/assign/", ["x"], format="json"), "non_field_errors")
    visit = {"visited_on": "2026-02-30", "notes": "x"}
    refused_naming(head.post(f"{URL}{application.pk}/site-visit/", visit, format="json"), "visited_on")
    refused_naming(head.post(f"{URL}{application.pk}/evaluation/", {"brand": "many"}, format="json"), "brand")
    refused_naming(head.post(f"{URL}{application.pk}/evaluation/", [1, 2], format="json"), "non_field_errors")
    assert_refused(head.get(f"{URL}abc/"), 404)
    too_long = {"company_name": "x" * 500, "category": 5}
    refused_naming(merchant.post(URL, too_long, format="json"), "company_name", "category")
    refused_naming(merchant.post(URL, "nonsense", content_type="application/json"), "detail", "code")


def test_a_refused_role_reads_why_in_chinese_by_default(client_for, make_application, recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(recruiter).post(f"{URL}{application.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有招商部负责人及以上人员可以批准申请。"


def test_a_refused_role_reads_why_in_english_when_asked(client_for, make_application, recruitment_head):
    application = make_application(ApplicationStatus.CONTRACT_SENT)
    response = client_for(recruitment_head).post(
        f"{URL}{application.pk}/sign/", {"signer_name": "x", "consent": True}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the merchant may sign its contract."
