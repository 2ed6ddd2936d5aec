"""The complaints API (API.md "Complaints"): every role × every endpoint, the merchant's
view, errors, the list's query count."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint, ComplaintStatus
from merchants.samples import png_bytes
from tests.factories.complaints import make_complaint

S = ComplaintStatus
pytestmark = pytest.mark.django_db

ROLES = [
    "customer_service",
    "admin_user",
    "ops_director",
    "general_manager",
    "recruitment_head",
    "recruiter",
    "second_recruiter",
    "outside_head",
    "outside_recruiter",
    "dept_head",
    "person",
    "merchant_user",
    "other_merchant_user",
]
# Who sees a complaint of merchant A (recruiter's merchant) routed to the quality department.
SEES = {
    "customer_service",
    "admin_user",
    "ops_director",
    "general_manager",
    "recruitment_head",
    "recruiter",
    "dept_head",
    "person",
    "merchant_user",
}
CS = {"customer_service", "admin_user"}
RESPONSIBLE = {"person", "dept_head"}
MANAGERS = CS | {"ops_director", "general_manager", "recruitment_head", "dept_head", "person"}


def client(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def users(request, team):
    return {name: request.getfixturevalue(name) for name in ROLES}


def _rejected(cs, merchant, person, merchant_user):
    complaint = make_complaint(S.AWAITING_OPINION, cs=cs, merchant=merchant, person=person)
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=False, opinion="不接受")
    return complaint


def prepare(endpoint, users, merchant):
    """A complaint in the state ``endpoint`` acts on, and a valid body."""
    cs, person, merchant_user = users["customer_service"], users["person"], users["merchant_user"]
    today = dt.date(2026, 10, 13)
    if endpoint == "investigate":
        complaint = make_complaint(cs=cs, merchant=merchant)
        body = {
            "valid": True,
            "findings": "属实",
            "responsible_department": "quality",
            "responsible_person": "quality_staff",
        }
    elif endpoint == "solution":
        complaint, body = (
            make_complaint(S.AWAITING_SOLUTION, cs=cs, merchant=merchant, person=person),
            {"solution": "退款"},
        )
    elif endpoint == "opinion":
        complaint = make_complaint(S.AWAITING_OPINION, cs=cs, merchant=merchant, person=person)
        body = {"accepted": True, "opinion": "同意"}
    elif endpoint == "implemented":
        complaint, body = make_complaint(S.IMPLEMENTING, cs=cs, merchant=merchant, person=person), {"notes": "已办"}
    elif endpoint == "visits":
        complaint = make_complaint(S.FOLLOW_UP, cs=cs, merchant=merchant, person=person)
        body = {"visited_on": "2026-10-13", "satisfaction": "satisfied", "notes": "满意"}
    elif endpoint == "close":
        complaint = make_complaint(S.FOLLOW_UP, cs=cs, merchant=merchant, person=person)
        services.complaint_record_visit(complaint=complaint, by=cs, visited_on=today, satisfaction="satisfied")
        body = {}
    elif endpoint == "escalate":
        complaint, body = _rejected(cs, merchant, person, merchant_user), {"reason": "要求仲裁"}
    elif endpoint == "arbitration/decision":
        complaint = _rejected(cs, merchant, person, merchant_user)
        services.complaint_escalate(complaint=complaint, by=merchant_user, reason="仲裁")
        body = {"panel": ["director", "gm"], "decision": "赔偿"}
    elif endpoint == "arbitration/external":
        complaint = _rejected(cs, merchant, person, merchant_user)
        services.complaint_escalate(complaint=complaint, by=merchant_user, reason="仲裁")
        services.arbitration_decide(complaint=complaint, by=cs, panel=["director", "gm"], decision="驳回")
        services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=False, opinion="不服")
        services.complaint_escalate(complaint=complaint, by=merchant_user, reason="外部仲裁")
        body = {"body": "阜阳仲裁委员会", "case_number": "2026-18", "outcome": "赔偿"}
    return complaint, body


ALLOWED = {
    "investigate": CS,
    "solution": RESPONSIBLE,
    "opinion": CS | {"merchant_user"},
    "implemented": RESPONSIBLE,
    "visits": CS,
    "close": CS,
    "escalate": CS | {"merchant_user"},
    "arbitration/decision": MANAGERS,
    "arbitration/external": MANAGERS,
}


@pytest.mark.parametrize("endpoint", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_each_action(frozen, users, merchant_a, endpoint, role):
    complaint, body = prepare(endpoint, users, merchant_a)
    sees = SEES - ({"dept_head", "person"} if endpoint == "investigate" else set())  # not routed yet
    response = client(users[role]).post(f"/api/v1/complaints/{complaint.pk}/{endpoint}/", body, format="json")
    if role not in sees:
        expected = 404
    elif role in ALLOWED[endpoint]:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_detail_to_those_who_see_it(frozen, users, merchant_a, role):
    complaint = make_complaint(
        S.AWAITING_SOLUTION, cs=users["customer_service"], merchant=merchant_a, person=users["person"]
    )
    response = client(users[role]).get(f"/api/v1/complaints/{complaint.pk}/")
    if role in SEES:
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["number"]) == (complaint.pk, complaint.number)
    else:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert complaint.number not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_what_each_role_sees(frozen, users, merchant_a, merchant_b, role):
    make_complaint(S.AWAITING_SOLUTION, cs=users["customer_service"], merchant=merchant_a, person=users["person"])
    make_complaint(cs=users["customer_service"], merchant=merchant_b)
    response = client(users[role]).get("/api/v1/complaints/")
    assert response.status_code == 200
    numbers = {row["merchant"] for row in response.json()["results"]}
    expected = set()
    if role in SEES:
        expected.add(merchant_a.pk)
    sees_b = {
        "customer_service",
        "admin_user",
        "ops_director",
        "general_manager",
        "outside_head",
        "outside_recruiter",
        "other_merchant_user",
    }
    if role in sees_b:
        expected.add(merchant_b.pk)
    assert numbers == expected


def test_it_refuses_anonymous_callers(frozen, users, merchant_a):
    complaint = make_complaint(cs=users["customer_service"], merchant=merchant_a)
    for response in (client().get("/api/v1/complaints/"), client().get(f"/api/v1/complaints/{complaint.pk}/")):
        assert response.status_code in (401, 403)
        assert response.json()["code"] == "not_authenticated"


def test_it_keeps_merchant_b_out_of_merchant_as_complaint(frozen, users, merchant_a):
    complaint = make_complaint(
        S.AWAITING_OPINION, cs=users["customer_service"], merchant=merchant_a, person=users["person"]
    )
    other = client(users["other_merchant_user"])
    for response in (
        other.get(f"/api/v1/complaints/{complaint.pk}/"),
        other.post(f"/api/v1/complaints/{complaint.pk}/opinion/", {"accepted": True}, format="json"),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_OPINION


def test_it_creates_a_complaint_for_customer_service(frozen, users, merchant_a):
    response = client(users["customer_service"]).post(
        "/api/v1/complaints/",
        {
            "merchant": merchant_a.pk,
            "type": "product_quality",
            "description": "商品过期",
            "received_at": "2026-10-12T16:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received" and body["step"] == 1 and body["round"] == 1
    assert body["number"].startswith("TS-2026-")
    assert body["reply_due"] == "2026-10-15T23:59:59+08:00" and body["reply_due_fallback"] is False
    assert body["required_visits"] == 2 and body["dispute_level"] == 1


def test_it_lets_a_merchant_file_its_own_without_naming_it(frozen, users, merchant_a):
    response = client(users["merchant_user"]).post(
        "/api/v1/complaints/", {"type": "service_quality", "description": "服务差"}, format="json"
    )
    assert response.status_code == 201 and response.json()["merchant"] == merchant_a.pk


@pytest.mark.parametrize("role", ["recruiter", "dept_head", "ops_director", "recruitment_head"])
def test_it_refuses_intake_by_other_roles(frozen, users, merchant_a, role):
    response = client(users[role]).post(
        "/api/v1/complaints/", {"merchant": merchant_a.pk, "type": "other", "description": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not Complaint.objects.exists()


def test_it_names_received_at_in_the_future(frozen, users, merchant_a):
    response = client(users["customer_service"]).post(
        "/api/v1/complaints/",
        {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": "2026-10-14T09:00:00+08:00"},
        format="json",
    )
    assert response.status_code == 400 and "received_at" in response.json()
    assert not Complaint.objects.exists()


def test_it_answers_a_wrong_step_with_409(frozen, users, merchant_a):
    complaint = make_complaint(cs=users["customer_service"], merchant=merchant_a)
    response = client(users["customer_service"]).post(f"/api/v1/complaints/{complaint.pk}/close/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
    assert response.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED


def test_it_hides_internal_notes_the_person_and_penalties_from_the_merchant(frozen, users, merchant_a):
    complaint = make_complaint(S.CLOSED, cs=users["customer_service"], merchant=merchant_a, person=users["person"])
    mine = client(users["merchant_user"]).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert mine["responsible_person"] is None and mine["penalties"] == []
    assert all(not line["internal"] for line in mine["history"])
    assert "quality_staff" not in str(mine) and "经核实属实" not in str(mine)
    staff = client(users["customer_service"]).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert staff["responsible_person"] == "quality_staff"
    assert {(p["person"], p["as"], p["amount"], p["month"]) for p in staff["penalties"]} == {
        ("quality_staff", "responsible", "-50.00", "2026-10"),
        ("quality_head", "head", "-25.00", "2026-10"),
    }
    assert staff["history"][0]["by"] == "service"


def test_it_walks_the_steps_over_the_api(frozen, users, merchant_a):
    cs, person, merchant = (client(users[name]) for name in ("customer_service", "person", "merchant_user"))
    created = merchant.post("/api/v1/complaints/", {"type": "other", "description": "排队太久"}, format="json").json()
    url = f"/api/v1/complaints/{created['id']}"
    body = cs.post(
        f"{url}/investigate/",
        {"valid": True, "findings": "属实", "responsible_department": "quality", "responsible_person": "quality_staff"},
        format="json",
    ).json()
    assert body["status"] == "awaiting_solution" and body["solution_due"] == "2026-10-16T23:59:59+08:00"
    assert person.post(f"{url}/solution/", {"solution": "增加窗口"}, format="json").json()["step"] == 4
    assert merchant.post(f"{url}/opinion/", {"accepted": True}, format="json").json()["status"] == "implementing"
    assert person.post(f"{url}/implemented/", {}, format="json").json()["status"] == "follow_up"
    visit = {"visited_on": "2026-10-13", "satisfaction": "very_satisfied", "notes": "很好"}
    assert cs.post(f"{url}/visits/", visit, format="json").json()["visits"] == [visit]
    assert cs.post(f"{url}/close/", {}, format="json").json()["status"] == "closed"


def test_it_filters_the_list(frozen, users, merchant_a, merchant_b):
    cs = users["customer_service"]
    late = make_complaint(cs=cs, merchant=merchant_a, type="product_quality")
    make_complaint(S.CLOSED_INVALID, cs=cs, merchant=merchant_b)
    Complaint.objects.filter(pk=late.pk).update(reply_due="2026-10-12T23:59:59+08:00")
    api = client(cs)

    def ids(query):
        return [row["id"] for row in api.get(f"/api/v1/complaints/?{query}").json()["results"]]

    assert ids("overdue=true") == [late.pk]
    assert ids("status=received") == [late.pk]
    assert ids("type=product_quality") == [late.pk]
    assert ids(f"merchant={merchant_b.pk}") != [late.pk]
    refused = api.get("/api/v1/complaints/?status=nonsense")
    assert refused.status_code == 400 and "status" in refused.json()


def test_it_attaches_a_file_and_serves_it_to_those_who_see_it(frozen, users, merchant_a):
    complaint = make_complaint(cs=users["customer_service"], merchant=merchant_a)
    upload = SimpleUploadedFile("receipt.png", png_bytes(), content_type="image/png")
    response = client(users["merchant_user"]).post(
        f"/api/v1/complaints/{complaint.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["side"] == "merchant"
    url = f"/api/v1/complaints/{complaint.pk}/attachments/{response.json()['id']}/"
    served = client(users["customer_service"]).get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == png_bytes()
    hidden = client(users["other_merchant_user"]).get(url)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")


def test_it_refuses_a_file_that_is_not_an_image_or_pdf(frozen, users, merchant_a):
    complaint = make_complaint(cs=users["customer_service"], merchant=merchant_a)
    upload = SimpleUploadedFile("x.png", b"MZ\x90\x00not an image at all", content_type="image/png")
    response = client(users["customer_service"]).post(
        f"/api/v1/complaints/{complaint.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()


def test_it_lists_in_constant_queries(frozen, users, merchant_a, django_assert_num_queries):
    cs = users["customer_service"]
    api = client(cs)
    make_complaint(S.AWAITING_SOLUTION, cs=cs, merchant=merchant_a, person=users["person"])
    api.get("/api/v1/complaints/")  # warm the user's roles
    # The count and the page (merchant, department, person and rule set joined in).
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/complaints/").json()["results"]) == 1
    for _ in range(3):
        make_complaint(S.AWAITING_OPINION, cs=cs, merchant=merchant_a, person=users["person"])
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/complaints/").json()["results"]) == 4


def test_a_penalty_is_read_by_whom_it_penalises_and_their_managers_only(frozen, users, merchant_a):
    # Penalties are pay data: the recruiter of the merchant sees the complaint, not
    # colleagues' deductions; the responsible person sees their own, their head both (issue 8 §7).
    complaint = make_complaint(S.CLOSED, cs=users["customer_service"], merchant=merchant_a, person=users["person"])
    url = f"/api/v1/complaints/{complaint.pk}/"

    def seen(role):
        response = client(users[role]).get(url)
        assert response.status_code == 200, response.content
        return {(p["person"], p["as"]) for p in response.json()["penalties"]}

    everyone = {("quality_staff", "responsible"), ("quality_head", "head")}
    for role in ("customer_service", "ops_director", "general_manager", "dept_head"):
        assert seen(role) == everyone, role
    assert seen("person") == {("quality_staff", "responsible")}
    assert seen("recruitment_head") == set()
    assert seen("recruiter") == set()
    assert seen("merchant_user") == set()
