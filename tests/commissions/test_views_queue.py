import pytest

from commissions.models import RateRequest
from tests.factories.commissions import make_request

pytestmark = pytest.mark.django_db

QUEUE = "/commissions/queue/"


@pytest.fixture
def web(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def decide(client, rate_request, decision, comment="", step=None, reason=""):
    step = step or rate_request.current_step.role
    return client.post(
        f"/commissions/queue/{rate_request.pk}/decide/",
        {"decision": decision, "comment": comment, "step": step, "reason": reason},
    )


def test_it_shows_what_waits_with_the_details(web, recruiter, recruitment_head):
    make_request(recruiter, "6.90", reason="全市连锁")
    page = web(recruitment_head).get(QUEUE).content.decode()
    for text in ["测试商户", "10.00 %", "6.90 %", "69.00 %", "全市连锁"]:
        assert text in page


def test_it_approves_with_a_comment(web, recruiter, recruitment_head):
    rate_request = make_request(recruiter, "8.00")
    response = decide(web(recruitment_head), rate_request, "approve", "同意")
    assert (response.status_code, response["Location"]) == (302, QUEUE)
    rate_request.refresh_from_db()
    assert rate_request.status == "approved"
    assert rate_request.steps.get().comment == "同意"


def test_a_rejection_without_reason_is_shown_in_the_page(web, recruiter, recruitment_head):
    rate_request = make_request(recruiter, "8.00")
    response = decide(web(recruitment_head), rate_request, "reject", "")
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_a_stale_decision_is_shown_in_the_page(web, client, recruiter, recruitment_head):
    from django.test import Client

    from tests.factories.workplace import make_user

    deputy = make_user("recruitment_head", username="deputy", department=recruitment_head.staff_profile.department)
    rate_request = make_request(recruiter, "6.90")
    decide(web(recruitment_head), rate_request, "approve")
    other = Client()
    other.force_login(deputy)
    response = decide(other, rate_request, "approve", step="recruitment_head")
    assert response.status_code == 409
    assert 'id="page-error"' in response.content.decode()
    assert "该环节不是当前待审批的环节。" in response.content.decode()


def test_a_second_step_by_the_same_person_is_refused_in_the_page(web, recruiter, recruitment_head):
    rate_request = make_request(recruiter, "6.90")
    client = web(recruitment_head)
    decide(client, rate_request, "approve")
    response = decide(client, rate_request, "approve", step="ops_director")
    assert response.status_code == 403
    assert "您已审批过该申请的一个环节，本环节须由他人审批。" in response.content.decode()


def test_the_queue_needs_csrf(client, recruiter, recruitment_head):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(recruitment_head)
    rate_request = make_request(recruiter, "8.00")
    response = decide(strict, rate_request, "approve")
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


@pytest.mark.parametrize("role", ["recruiter", "customer_service", "merchant_user"])
def test_others_may_not_open_the_queue(request, web, role):
    response = web(request.getfixturevalue(role)).get(QUEUE)
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()


def test_the_queue_is_in_the_menu_of_approvers(web, recruitment_head, recruiter):
    assert 'href="/commissions/queue/"' in web(recruitment_head).get("/").content.decode()


def test_the_queue_is_not_in_a_recruiters_menu(web, recruiter):
    page = web(recruiter).get("/").content.decode()
    assert 'href="/commissions/queue/"' not in page
    assert 'href="/commissions/requests/"' in page


def test_the_outside_head_cannot_decide(web, recruiter, outside_head):
    rate_request = make_request(recruiter, "8.00")
    response = decide(web(outside_head), rate_request, "approve")
    assert response.status_code == 404
    assert "未找到。" in response.content.decode()
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_query_count_is_constant(web, recruiter, recruitment_head, queries):
    client = web(recruitment_head)
    make_request(recruiter, "5.00")
    queries.assert_constant(lambda: client.get(QUEUE), lambda: make_request(recruiter, "6.00"), expected=9)


def test_the_request_list_query_count_is_constant(web, recruiter, queries):
    client = web(recruiter)
    make_request(recruiter, "5.00")
    queries.assert_constant(
        lambda: client.get("/commissions/requests/"), lambda: make_request(recruiter, "6.00"), expected=6
    )


def test_a_higher_level_acts_in_place_from_the_queue(web, recruiter, general_manager):
    rate_request = make_request(recruiter, "8.00")
    page = web(general_manager).get(QUEUE).content.decode()
    assert f'id="request-{rate_request.pk}"' in page
    assert 'name="reason"' in page  # acting in place asks why
    decide(web(general_manager), rate_request, "approve", "同意", reason="负责人出差，代为审批")
    step = rate_request.steps.get()
    assert (step.decided_by, step.decided_as, step.acting_for, step.acting_reason) == (
        general_manager,
        "general_manager",
        "recruitment_head",
        "负责人出差，代为审批",
    )


def test_a_long_queue_is_paged_oldest_first(web, recruiter, recruitment_head):
    requests = [make_request(recruiter, "8.00", reason=f"第{number:02d}号") for number in range(27)]
    client = web(recruitment_head)
    first = client.get(QUEUE).content.decode()
    assert "第00号" in first and "第24号" in first and "第25号" not in first
    second = client.get(QUEUE, {"page": 2}).content.decode()
    assert "第25号" in second and "第26号" in second and "第00号" not in second
    assert len(requests) == 27


def test_the_pages_of_one_list_keep_the_others_page(web, recruiter, general_manager):
    for number in range(27):
        make_request(recruiter, "8.00", reason=f"第{number:02d}号")  # waiting on the head: "lower" for the GM
    page = web(general_manager).get(QUEUE, {"page": 3, "lower_page": 2}).content.decode()
    assert "第25号" in page
    assert "page=3" in page  # the link back keeps the other list's page
