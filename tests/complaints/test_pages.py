"""The complaint pages: every role on every page, the steps taken through the page's
forms, and what the merchant never sees."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Complaint, ComplaintStatus
from merchants.samples import png_bytes
from tests.factories.complaints import make_complaint
from tests.factories.workplace import UserFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus
PNG = png_bytes()


@pytest.fixture
def outsider(db):
    return UserFactory(username="nobody")


@pytest.fixture
def web():
    def sign_in(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def complaint(customer_service, merchant_a, person):
    return make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)


STAFF = [
    "customer_service",
    "dept_head",
    "person",
    "recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "admin_user",
]
NOBODY = ["merchant_user", "outsider"]
FORBIDDEN = "您没有执行该操作的权限。"
NOT_FOUND = "未找到。"

HEADINGS = {
    "/complaints/queue/": "投诉工作台",
    "/complaints/new/": "登记投诉",
    "/complaints/answer/": "待答复的投诉",
    "/complaints/all/": "投诉",
    "/complaints/mine/": "我的投诉",
    "/complaints/mine/new/": "提交投诉",
    "/complaints/service-level/": "投诉服务水平",
}
PAGES = {
    # url: roles answered 200; every other signed-in role gets 403
    "/complaints/queue/": {"customer_service", "admin_user"},
    "/complaints/new/": {"customer_service", "admin_user"},
    "/complaints/answer/": set(STAFF),
    "/complaints/all/": set(STAFF),
    "/complaints/service-level/": {
        "customer_service",
        "dept_head",
        "person",
        "recruitment_head",
        "ops_director",
        "general_manager",
        "admin_user",
    },
    "/complaints/mine/": {"merchant_user", "other_merchant_user"},
    "/complaints/mine/new/": {"merchant_user", "other_merchant_user"},
}


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("role", [*STAFF, "merchant_user", "other_merchant_user", "outsider"])
def test_it_answers_each_role_on_each_list_page(request, web, complaint, merchant_b, url, role):
    response = web(request.getfixturevalue(role)).get(url)
    content = response.content.decode()
    if role in PAGES[url]:
        assert response.status_code == 200
        assert f">{HEADINGS[url]}</h1>" in content
    else:
        assert response.status_code == 403
        assert FORBIDDEN in content and complaint.number not in content


@pytest.mark.parametrize("url", [*PAGES, "/complaints/"])
def test_it_sends_anonymous_visitors_to_the_login(web, url):
    response = web().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


SEES_IT = [
    "customer_service",
    "dept_head",
    "person",
    "recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "admin_user",
    "merchant_user",
]


@pytest.mark.parametrize("role", SEES_IT)
def test_it_shows_the_complaint_to_who_may_see_it(request, web, complaint, role):
    response = web(request.getfixturevalue(role)).get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 200
    assert complaint.number in response.content.decode()


@pytest.mark.parametrize("role", ["other_merchant_user", "outsider", "outside_recruiter", "outside_head"])
def test_it_hides_the_complaint_from_everyone_else(request, web, complaint, merchant_b, role):
    client = web(request.getfixturevalue(role))
    for response in (
        client.get(f"/complaints/{complaint.pk}/"),
        client.get(f"/complaints/{complaint.pk}/forms/survey.pdf"),
        client.post(f"/complaints/{complaint.pk}/opinion/", {"accepted": "yes"}),
    ):
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode() and complaint.number not in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_OPINION


def test_merchant_a_reaching_for_merchant_bs_complaint_gets_404(
    web, customer_service, merchant_b, person, merchant_user
):
    theirs = make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_b, person=person)
    response = web(merchant_user).get(f"/complaints/{theirs.pk}/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode() and theirs.number not in response.content.decode()


@pytest.mark.parametrize(
    "role, to",
    [
        ("customer_service", "/complaints/queue/"),
        ("dept_head", "/complaints/answer/"),
        ("merchant_user", "/complaints/mine/"),
        ("ops_director", "/complaints/all/"),
    ],
)
def test_the_entry_page_sends_each_role_to_its_list(request, web, role, to):
    assert web(request.getfixturevalue(role)).get("/complaints/")["Location"] == to


def test_the_entry_page_refuses_an_outsider(web, outsider):
    response = web(outsider).get("/complaints/")
    assert response.status_code == 403 and FORBIDDEN in response.content.decode()


# --- what each sees ----------------------------------------------------------------


def test_the_merchant_never_sees_internal_notes_the_responsible_person_or_penalties(
    web, customer_service, merchant_a, person, merchant_user
):
    closed = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    page = web(merchant_user).get(f"/complaints/{closed.pk}/").content.decode()
    assert "经核实属实" not in page  # the valid investigation's findings are internal
    assert person.get_full_name() not in page and person.username not in page
    assert 'id="penalties"' not in page and "-50.00" not in page
    assert "退还差价并致歉" in page  # the solution it accepted


def test_staff_see_the_responsible_person_and_the_penalties(web, customer_service, merchant_a, person):
    closed = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    page = web(customer_service).get(f"/complaints/{closed.pk}/").content.decode()
    assert person.get_full_name() in page
    assert 'id="penalties"' in page and "-50.00" in page


def test_the_merchant_sees_the_findings_of_an_invalid_complaint(web, customer_service, merchant_a, merchant_user):
    invalid = make_complaint(S.CLOSED_INVALID, cs=customer_service, merchant=merchant_a)
    assert "经核实不属实" in web(merchant_user).get(f"/complaints/{invalid.pk}/").content.decode()


@pytest.mark.parametrize(
    "status, role, forms",
    [
        (S.RECEIVED, "customer_service", {"investigate", "attachments"}),
        (S.RECEIVED, "merchant_user", {"attachments"}),
        (S.RECEIVED, "ops_director", set()),
        (S.AWAITING_SOLUTION, "person", {"solution", "attachments"}),
        (S.AWAITING_SOLUTION, "dept_head", {"solution", "attachments"}),
        (S.AWAITING_SOLUTION, "customer_service", {"attachments"}),
        (S.AWAITING_OPINION, "merchant_user", {"opinion", "attachments"}),
        (S.AWAITING_OPINION, "customer_service", {"opinion", "attachments"}),
        (S.AWAITING_OPINION, "person", {"attachments"}),
        (S.IMPLEMENTING, "person", {"implemented", "attachments"}),
        (S.FOLLOW_UP, "customer_service", {"visits", "attachments"}),
        (S.CLOSED, "customer_service", set()),
    ],
)
def test_it_offers_only_the_forms_the_user_may_use_now(
    request, web, customer_service, merchant_a, person, status, role, forms
):
    complaint = make_complaint(status, cs=customer_service, merchant=merchant_a, person=person)
    response = web(request.getfixturevalue(role)).get(f"/complaints/{complaint.pk}/")
    assert set(response.context["actions"]) == forms


# --- taking the steps through the pages ---------------------------------------------


def test_customer_service_logs_a_complaint_with_a_photo(web, customer_service, merchant_a):
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    data = {"merchant": merchant_a.pk, "type": "product_quality", "description": "买到过期面包", "attachments": [photo]}
    response = web(customer_service).post("/complaints/new/", data)
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/complaints/{complaint.pk}/"
    assert complaint.attachments.count() == 1 and complaint.reply_due is not None


def test_intake_refuses_a_moment_in_the_future_next_to_the_field(web, customer_service, merchant_a):
    data = {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": "2999-01-01T10:00"}
    response = web(customer_service).post("/complaints/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["received_at"]
    assert not Complaint.objects.exists()


def test_a_refused_attachment_files_nothing(web, merchant_user, merchant_a):
    junk = SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    response = web(merchant_user).post(
        "/complaints/mine/new/", {"type": "other", "description": "x", "attachments": [junk]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    assert not Complaint.objects.exists()


def test_the_merchant_files_from_the_portal(web, merchant_user, merchant_a):
    response = web(merchant_user).post(
        "/complaints/mine/new/", {"type": "service_quality", "description": "收银员态度差"}
    )
    complaint = Complaint.objects.get()
    assert complaint.merchant == merchant_a and complaint.received_by == merchant_user
    assert response["Location"] == f"/complaints/{complaint.pk}/"


def test_the_merchant_rejects_then_escalates_from_its_page(web, complaint, merchant_user):
    client = web(merchant_user)
    page = f"/complaints/{complaint.pk}/"
    response = client.post(f"{page}opinion/", {"accepted": "no", "opinion": "补偿太少"})
    assert (response.status_code, response["Location"]) == (302, page)
    response = client.post(f"{page}escalate/", {"reason": "申请平台仲裁"})
    assert (response.status_code, response["Location"]) == (302, page)
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_SOLUTION and complaint.dispute_level == 2


def test_a_rejection_without_reason_is_shown_next_to_the_field(web, complaint, merchant_user):
    response = web(merchant_user).post(f"/complaints/{complaint.pk}/opinion/", {"accepted": "no", "opinion": ""})
    assert response.status_code == 400
    assert response.context["actions"]["opinion"].errors["opinion"]


def test_a_step_out_of_turn_answers_409_with_the_message(web, complaint, customer_service):
    response = web(customer_service).post(f"/complaints/{complaint.pk}/investigate/", {"valid": "no", "findings": "x"})
    assert response.status_code == 409
    assert 'id="page-error"' in response.content.decode()


def test_a_step_by_the_wrong_role_answers_403(web, complaint, person):
    response = web(person).post(f"/complaints/{complaint.pk}/opinion/", {"accepted": "yes"})
    assert response.status_code == 403
    assert 'id="page-error"' in response.content.decode()
    assert "只有客户服务部或商户本人可以执行此操作。" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_OPINION


def test_an_unknown_step_is_404(web, complaint, customer_service):
    response = web(customer_service).post(f"/complaints/{complaint.pk}/explode/", {})
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_the_steps_need_csrf(complaint, merchant_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(merchant_user)
    response = strict.post(f"/complaints/{complaint.pk}/opinion/", {"accepted": "yes"})
    assert response.status_code == 403 and "CSRF验证失败" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_OPINION


def test_the_walk_through_the_pages_closes_a_complaint(
    web, customer_service, dept_head, person, merchant_a, merchant_user
):
    cs = web(customer_service)
    cs.post("/complaints/new/", {"merchant": merchant_a.pk, "type": "service_quality", "description": "排队太久"})
    complaint = Complaint.objects.get()
    url = f"/complaints/{complaint.pk}"
    department = person.staff_profile.department.code
    steps = [
        (
            cs,
            "investigate",
            {
                "valid": "yes",
                "findings": "属实",
                "responsible_department": department,
                "responsible_person": person.username,
            },
        ),
        (web(person), "solution", {"solution": "增加收银台"}),
        (web(merchant_user), "opinion", {"accepted": "yes", "opinion": ""}),
        (web(dept_head), "implemented", {"notes": "已增加"}),
        (cs, "visits", {"visited_on": "2020-01-01", "satisfaction": "satisfied", "notes": ""}),
    ]
    for client, action, data in steps[:-1]:
        response = client.post(f"{url}/{action}/", data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    from django.utils import timezone

    steps[-1][2]["visited_on"] = timezone.localdate().isoformat()
    for action, data in (("visits", steps[-1][2]), ("close", {"note": ""})):
        response = cs.post(f"{url}/{action}/", data)
        assert (response.status_code, response["Location"]) == (302, f"{url}/")
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    assert complaint.penalties.count() == 2


def test_the_navigation_offers_each_role_its_complaint_pages(web, customer_service, dept_head, merchant_user):
    assert 'href="/complaints/queue/"' in web(customer_service).get("/").content.decode()
    assert 'href="/complaints/answer/"' in web(dept_head).get("/").content.decode()
    page = web(merchant_user).get("/portal/", follow=True).content.decode()
    assert 'href="/complaints/mine/"' in page


def test_the_pages_read_in_english_too(web, complaint, customer_service):
    page = web(customer_service).get("/complaints/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Complaint queue" in page
