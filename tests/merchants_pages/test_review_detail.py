import datetime as dt

import pytest
from django.urls import reverse

from merchants import services
from merchants.models import ApplicationStatus, ApplicationStatusChange, CheckRun, Finding, SiteVisit
from scoring import services as scoring_services
from scoring.models import Evaluation
from tests.factories.merchants import DocumentFactory

from .conftest import EVALUATION, png_file

pytestmark = pytest.mark.django_db


def url(application, name="review_detail"):
    return reverse(f"merchants:{name}", args=[application.pk])


FORBIDDEN = "您没有执行该操作的权限。"
NOT_FOUND = "未找到。"
CSRF_FAILED = "CSRF验证失败"


def evaluation_post(**changes):
    return {f"evaluation-{name}": value for name, value in {**EVALUATION, **changes}.items() if value is not False}


# --- who sees it ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "ops_director", "general_manager", "admin_user"])
def test_it_shows_the_application_to_those_who_may_see_it(request, page_client, role, assigned_application):
    response = page_client(request.getfixturevalue(role)).get(url(assigned_application))
    assert response.status_code == 200
    assert response.context["application"] == assigned_application


@pytest.mark.parametrize("role", ["second_recruiter", "outside_head", "outside_recruiter"])
def test_it_is_not_found_for_staff_outside_its_scope(request, page_client, role, assigned_application):
    response = page_client(request.getfixturevalue(role)).get(url(assigned_application))
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()
    assert assigned_application.company_name not in response.content.decode()


@pytest.mark.parametrize("role", ["customer_service", "dept_head", "merchant_user", "other_merchant_user"])
def test_it_is_refused_to_other_roles(request, page_client, role, assigned_application):
    response = page_client(request.getfixturevalue(role)).get(url(assigned_application))
    assert response.status_code == 403
    assert FORBIDDEN in response.content.decode()
    assert assigned_application.company_name not in response.content.decode()


def test_it_shows_the_documents_beside_the_entered_data(page_client, recruitment_head, assigned_application):
    response = page_client(recruitment_head).get(url(assigned_application))
    content = response.content.decode()
    licence = assigned_application.documents.get(kind="business_licence")
    identity = assigned_application.documents.get(kind="legal_rep_id")
    # The PNG is previewed, the PDF linked, both through the permission-checked view.
    assert f'<img src="{reverse("merchants:document_file", args=[licence.pk])}"' in content
    assert f'href="{reverse("merchants:document_file", args=[identity.pk])}"' in content
    assert assigned_application.uscc in content
    assert response.context["history"]


# --- which actions are offered -------------------------------------------------------


def test_a_head_gets_every_action(page_client, recruitment_head, assigned_application):
    context = page_client(recruitment_head).get(url(assigned_application)).context
    assert all(
        context[name]
        for name in ("can_assign", "can_visit", "can_evaluate", "can_approve", "can_request_changes", "can_reject")
    )


def test_the_assigned_recruiter_records_but_does_not_decide(page_client, recruiter, assigned_application):
    response = page_client(recruiter).get(url(assigned_application))
    context = response.context
    assert context["can_visit"] and context["can_evaluate"]
    assert not any(context[name] for name in ("can_assign", "can_approve", "can_request_changes", "can_reject"))
    assert b'id="approve-form"' not in response.content
    assert b'id="assign-form"' not in response.content


def test_no_decision_is_offered_on_a_draft(page_client, ops_director, make_application, merchant_user):
    application = make_application(merchant_user)
    context = page_client(ops_director).get(url(application)).context
    assert not any(
        context[name] for name in ("can_visit", "can_evaluate", "can_approve", "can_request_changes", "can_reject")
    )


def test_it_says_a_site_visit_is_mandatory_for_dining(
    page_client, recruitment_head, make_application, merchant_user, recruiter
):
    application = make_application(
        merchant_user,
        status=ApplicationStatus.IN_REVIEW,
        head=recruitment_head,
        assignee=recruiter,
        category="dining_entertainment",
    )
    response = page_client(recruitment_head).get(url(application))
    assert response.context["visit_missing"]
    assert b'id="visit-required"' in response.content


# --- assign --------------------------------------------------------------------------


def test_a_head_assigns_a_recruiter(page_client, recruitment_head, second_recruiter, assigned_application):
    response = page_client(recruitment_head).post(
        url(assigned_application, "review_assign"), {"assign-recruiter": second_recruiter.pk}
    )
    assert (response.status_code, response["Location"]) == (302, url(assigned_application))
    assigned_application.refresh_from_db()
    assert assigned_application.assignee == second_recruiter


def test_a_head_cannot_pick_someone_of_another_department(
    page_client, recruitment_head, outside_recruiter, assigned_application
):
    response = page_client(recruitment_head).post(
        url(assigned_application, "review_assign"), {"assign-recruiter": outside_recruiter.pk}
    )
    assert response.status_code == 400
    assert "recruiter" in response.context["assign_form"].errors


def test_a_recruiter_cannot_assign(page_client, recruiter, second_recruiter, assigned_application):
    response = page_client(recruiter).post(
        url(assigned_application, "review_assign"), {"assign-recruiter": recruiter.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "Only a recruitment head or above may assign" in response.content.decode()


# --- site visit ----------------------------------------------------------------------


def test_it_records_a_site_visit_with_photos(page_client, recruiter, assigned_application):
    data = {
        "visit-visited_on": dt.date.today().isoformat(),
        "visit-notes": "门店整洁，客流大。",
        "visit-media": [png_file("shop.png")],
    }
    response = page_client(recruiter).post(url(assigned_application, "review_site_visit"), data)
    assert (response.status_code, response["Location"]) == (302, url(assigned_application))
    visit = SiteVisit.objects.get(application=assigned_application)
    assert visit.media.get().kind == "photo"
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.SITE_VISIT


def test_a_site_visit_needs_notes_in_english(page_client, recruiter, assigned_application):
    data = {"visit-visited_on": dt.date.today().isoformat(), "visit-notes": ""}
    response = page_client(recruiter).post(
        url(assigned_application, "review_site_visit"), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["visit_form"].errors["notes"] == ["This field is required."]


def test_a_future_visit_date_is_refused_next_to_the_field(page_client, recruiter, assigned_application):
    data = {"visit-visited_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "visit-notes": "计划中"}
    response = page_client(recruiter).post(
        url(assigned_application, "review_site_visit"), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["visit_form"].errors["visited_on"] == ["The visit date cannot be in the future."]


def test_the_visit_media_are_served_to_staff_only(
    page_client, recruiter, merchant_user, second_recruiter, assigned_application
):
    data = {"visit-visited_on": dt.date.today().isoformat(), "visit-notes": "ok", "visit-media": [png_file("shop.png")]}
    page_client(recruiter).post(url(assigned_application, "review_site_visit"), data)
    media = SiteVisit.objects.get().media.get()
    media_url = reverse("merchants:visit_media_file", args=[media.pk])
    served = page_client(recruiter).get(media_url)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")
    hidden = page_client(second_recruiter).get(media_url)
    assert hidden.status_code == 404 and NOT_FOUND in hidden.content.decode()
    refused = page_client(merchant_user).get(media_url)
    assert refused.status_code == 403 and FORBIDDEN in refused.content.decode()


# --- evaluation ----------------------------------------------------------------------


def test_it_records_a_star_evaluation(page_client, recruiter, assigned_application):
    response = page_client(recruiter).post(url(assigned_application, "review_evaluation"), evaluation_post())
    assert (response.status_code, response["Location"]) == (302, url(assigned_application))
    evaluation = Evaluation.objects.get(merchant=assigned_application.merchant)
    assert (str(evaluation.score), evaluation.merchant_class) == ("13.70", "II")


def test_an_evaluation_with_a_missing_value_is_refused_in_chinese(page_client, recruiter, assigned_application):
    data = evaluation_post()
    del data["evaluation-area_sqm"]
    response = page_client(recruiter).post(url(assigned_application, "review_evaluation"), data)
    assert response.status_code == 400
    assert response.context["evaluation_form"].errors["area_sqm"] == ["该字段是必填项。"]
    assert not Evaluation.objects.exists()


def test_the_evaluation_form_links_to_the_calculator(page_client, recruiter, assigned_application):
    content = page_client(recruiter).get(url(assigned_application)).content.decode()
    assert f"{reverse('scoring:calculator')}?merchant={assigned_application.merchant_id}" in content


# --- decisions -----------------------------------------------------------------------


def test_approval_without_evaluation_is_refused_with_the_services_message(
    page_client, recruitment_head, assigned_application
):
    response = page_client(recruitment_head).post(
        url(assigned_application, "review_approve"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "Record a star evaluation before approving." in response.content.decode()
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.IN_REVIEW


def test_a_head_approves_an_evaluated_application(page_client, recruitment_head, assigned_application):
    client = page_client(recruitment_head)
    client.post(url(assigned_application, "review_evaluation"), evaluation_post())
    response = client.post(url(assigned_application, "review_approve"))
    assert (response.status_code, response["Location"]) == (302, url(assigned_application))
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.CONTRACT_SENT


def test_dining_needs_a_site_visit_before_approval(
    page_client, recruitment_head, recruiter, make_application, merchant_user
):
    application = make_application(
        merchant_user,
        status=ApplicationStatus.IN_REVIEW,
        head=recruitment_head,
        assignee=recruiter,
        category="dining_entertainment",
    )
    client = page_client(recruitment_head)
    client.post(url(application, "review_evaluation"), evaluation_post())
    response = client.post(url(application, "review_approve"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "need a site visit before approval" in response.content.decode()


def test_a_recruiter_cannot_approve(page_client, recruiter, assigned_application):
    client = page_client(recruiter)
    client.post(url(assigned_application, "review_evaluation"), evaluation_post())
    response = client.post(url(assigned_application, "review_approve"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only a recruitment head or above may approve" in response.content.decode()
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.IN_REVIEW


def test_requesting_changes_needs_a_reason(page_client, recruitment_head, assigned_application):
    response = page_client(recruitment_head).post(
        url(assigned_application, "review_request_changes"), {"changes-reason": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["changes_form"].errors["reason"] == ["Give a reason."]


def test_a_head_requests_changes(page_client, recruitment_head, merchant_user, assigned_application):
    page_client(recruitment_head).post(
        url(assigned_application, "review_request_changes"), {"changes-reason": "营业执照照片不清晰"}
    )
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.NEEDS_CHANGES
    # The merchant reads the reason in its portal.
    content = page_client(merchant_user).get(reverse("merchants:portal")).content.decode()
    assert "营业执照照片不清晰" in content


def test_rejecting_needs_a_reason(page_client, recruitment_head, assigned_application):
    response = page_client(recruitment_head).post(url(assigned_application, "review_reject"), {"reject-reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.IN_REVIEW


def test_a_head_rejects(page_client, recruitment_head, assigned_application):
    page_client(recruitment_head).post(url(assigned_application, "review_reject"), {"reject-reason": "不符合条件"})
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.REJECTED


def test_a_decision_on_a_closed_application_is_refused(page_client, recruitment_head, assigned_application):
    client = page_client(recruitment_head)
    client.post(url(assigned_application, "review_reject"), {"reject-reason": "不符合条件"})
    response = client.post(
        url(assigned_application, "review_request_changes"), {"changes-reason": "再看看"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "This action is not allowed while the application is “Rejected”." in response.content.decode()
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.REJECTED


@pytest.mark.parametrize(
    "name",
    [
        "review_assign",
        "review_site_visit",
        "review_evaluation",
        "review_approve",
        "review_request_changes",
        "review_reject",
    ],
)
def test_actions_are_csrf_protected(page_client, recruitment_head, assigned_application, name):
    response = page_client(recruitment_head, enforce_csrf=True).post(url(assigned_application, name), {})
    assert response.status_code == 403
    assert CSRF_FAILED in response.content.decode()
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.IN_REVIEW


@pytest.mark.parametrize("name", ["review_assign", "review_approve", "review_reject"])
def test_actions_need_a_post(page_client, recruitment_head, assigned_application, name):
    response = page_client(recruitment_head).get(url(assigned_application, name))
    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_actions_on_an_unseen_application_are_not_found(page_client, outside_head, assigned_application):
    response = page_client(outside_head).post(url(assigned_application, "review_reject"), {"reject-reason": "x"})
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()
    assigned_application.refresh_from_db()
    assert assigned_application.status == ApplicationStatus.IN_REVIEW


# --- queries -------------------------------------------------------------------------


def test_it_issues_a_constant_number_of_queries(
    page_client, recruitment_head, recruiter, assigned_application, queries
):
    application = assigned_application
    client = page_client(recruitment_head)
    services.site_visit_record(
        application=application, by=recruiter, visited_on=dt.date.today(), notes="门店整洁", media=[png_file()]
    )
    scoring_services.evaluation_record(application=application, by=recruiter, data=dict(EVALUATION))

    def grow():
        DocumentFactory(application=application, kind="business_licence")
        DocumentFactory(application=application, kind="legal_rep_id", pdf=True)
        services.site_visit_record(
            application=application,
            by=recruitment_head,
            visited_on=dt.date.today(),
            notes="复查",
            media=[png_file("a.png"), png_file("b.png")],
        )
        scoring_services.evaluation_record(application=application, by=recruitment_head, data=dict(EVALUATION))
        run = CheckRun.objects.filter(application=application).first()
        Finding.objects.create(run=run, code="document_expiring", blocking=False, params={"kind": "legal_rep_id"})
        ApplicationStatusChange.objects.create(
            application=application,
            from_status="in_review",
            to_status="site_visit",
            changed_by=recruiter,
            changed_at=application.status_changed_at,
        )

    # Session, user, roles, the head's department, unread notifications; the application,
    # documents, site visits and their media, the last check run and its findings, the
    # contract, the latest evaluation and the evaluation history (two queries where one
    # would do), the merchant's credit rating (settlement's panel), the status history and
    # the assignee choices. The rule set in force is served from the cache.
    queries.assert_constant(lambda: client.get(url(application)), grow, expected=17)
    content = client.get(url(application)).content.decode()
    assert content.count("复查") == 3
