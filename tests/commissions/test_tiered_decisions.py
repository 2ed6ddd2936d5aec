"""Tiered approval means different people (SPEC.md §3): nobody decides two steps of one
request, and acting in place of a lower level is an explicit choice of that step with a
reason, recorded on the step, in the status history and shown in the queue."""

import pytest
import time_machine

from commissions.models import RateRequest
from commissions.tasks import remind_overdue_approvals
from tests.factories.commissions import make_request
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/rate-requests/"
QUEUE = "/commissions/queue/"


def approve(client, rate_request, **payload):
    return client.post(f"{URL}{rate_request.pk}/approve/", payload, format="json")


def reject(client, rate_request, **payload):
    return client.post(f"{URL}{rate_request.pk}/reject/", payload, format="json")


def current_role(rate_request):
    return RateRequest.objects.get(pk=rate_request.pk).current_step.role


def test_a_director_cannot_decide_the_heads_step_and_then_their_own(client_for, recruiter, ops_director):
    rate_request = make_request(recruiter, "6.90")  # head, director
    client = client_for(ops_director)
    first = approve(client, rate_request, step="recruitment_head", reason="负责人休假")
    assert (first.status_code, first.json()["status"], first.json()["current_step"]) == (200, "pending", "ops_director")
    response = approve(client, rate_request)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "您已审批过该申请的一个环节，本环节须由他人审批。",
        "code": "second_step",
    }
    assert current_role(rate_request) == "ops_director"
    refused = reject(client, rate_request, reason="再想想")
    assert (refused.status_code, refused.json()["code"]) == (403, "second_step")
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_a_general_manager_cannot_decide_all_three_steps(client_for, recruiter, general_manager, ops_director):
    rate_request = make_request(recruiter, "5.00")  # head, director, GM
    client = client_for(general_manager)
    first = approve(client, rate_request, acting_for="recruitment_head", reason="负责人出差")
    assert (first.status_code, first.json()["current_step"]) == (200, "ops_director")
    second = approve(client, rate_request, acting_for="ops_director", reason="总监出差")
    assert (second.status_code, second.json()["code"]) == (403, "second_step")
    third = approve(client, rate_request, step="general_manager")
    assert (third.status_code, third.json()["code"]) == (403, "second_step")
    # another person decides the next step; the GM's own step then still needs another GM
    assert approve(client_for(ops_director), rate_request).json()["current_step"] == "general_manager"
    own = approve(client, rate_request)
    assert (own.status_code, own.json()["code"]) == (403, "second_step")
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_different_people_grant_it(client_for, recruiter, recruitment_head, ops_director, general_manager):
    rate_request = make_request(recruiter, "5.00")
    second_gm = make_user("general_manager", username="gm2")
    first = approve(client_for(general_manager), rate_request, step="recruitment_head", reason="出差")
    assert (first.status_code, first.json()["current_step"]) == (200, "ops_director")
    second = approve(client_for(ops_director), rate_request)
    assert (second.status_code, second.json()["current_step"]) == (200, "general_manager")
    body = approve(client_for(second_gm), rate_request).json()
    assert body["status"] == "approved"
    assert [(s["decided_by"], s["acting_for"]) for s in body["steps"]] == [
        ("gm", "recruitment_head"),
        ("director", None),
        ("gm2", None),
    ]


def test_acting_in_place_with_a_reason_is_recorded_and_shown(client, client_for, recruiter, general_manager):
    rate_request = make_request(recruiter, "6.90")
    body = approve(
        client_for(general_manager), rate_request, comment="可以", step="recruitment_head", reason="负责人休产假"
    ).json()
    assert body["steps"][0] == {
        "role": "recruitment_head",
        "decided_by": "gm",
        "decision": "approved",
        "comment": "可以",
        "decided_at": body["steps"][0]["decided_at"],
        "decided_as": "general_manager",
        "acting_for": "recruitment_head",
        "acting_reason": "负责人休产假",
    }
    # the next approver's queue shows who decided in place, and why
    director = RateRequest.objects.get(pk=rate_request.pk).steps.get(position=2)
    assert director.role == "ops_director"
    client.force_login(make_user("ops_director", username="director2"))
    page = client.get(QUEUE).content.decode()
    assert f'id="request-{rate_request.pk}"' in page
    assert "代为审批" in page and "负责人休产假" in page


def test_acting_in_place_without_a_reason_names_the_field(client_for, recruiter, ops_director):
    rate_request = make_request(recruiter, "6.90")
    for payload in ({"step": "recruitment_head"}, {"acting_for": "recruitment_head", "reason": "   "}):
        response = approve(client_for(ops_director), rate_request, **payload)
        assert response.status_code == 400
        assert response.json() == {"reason": ["请说明代替招商部负责人审批的原因。"], "code": "invalid"}
    step = RateRequest.objects.get(pk=rate_request.pk).steps.get(position=1)
    assert (step.decision, step.decided_by) == ("", None)


def test_naming_two_different_steps_is_refused(client_for, recruiter, ops_director):
    rate_request = make_request(recruiter, "6.90")
    response = approve(
        client_for(ops_director), rate_request, step="ops_director", acting_for="recruitment_head", reason="x"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["acting_for"]


def test_a_rejection_in_place_gives_its_reason(client_for, recruiter, general_manager):
    rate_request = make_request(recruiter, "8.00")
    body = reject(client_for(general_manager), rate_request, reason="低于底线", acting_for="recruitment_head").json()
    assert body["status"] == "rejected"
    assert (body["steps"][0]["acting_for"], body["steps"][0]["acting_reason"]) == ("recruitment_head", "低于底线")


def test_every_close_is_in_the_status_history(client_for, recruiter, recruitment_head, ops_director):
    granted = make_request(recruiter, "8.00")
    approve(client_for(recruitment_head), granted, comment="同意")
    refused = make_request(recruiter, "6.90")
    approve(client_for(recruitment_head), refused)
    reject(client_for(ops_director), refused, reason="太低")
    assert [(c.from_status, c.to_status, c.changed_by, c.reason) for c in granted.status_changes.all()] == [
        ("pending", "approved", recruitment_head, "同意")
    ]
    assert [(c.from_status, c.to_status, c.changed_by, c.reason) for c in refused.status_changes.all()] == [
        ("pending", "rejected", ops_director, "太低")
    ]


def test_a_stale_copy_cannot_decide_a_closed_request(recruiter, recruitment_head, ops_director):
    from commissions import services
    from workplace.exceptions import InvalidTransition

    rate_request = make_request(recruiter, "8.00")
    stale = RateRequest.objects.get(pk=rate_request.pk)
    services.rate_request_approve(user=recruitment_head, rate_request=rate_request)
    with pytest.raises(InvalidTransition):
        services.rate_request_reject(user=ops_director, rate_request=stale, reason="晚了", step_role="recruitment_head")
    assert stale.status_changes.count() == 1


# --- the queue page -----------------------------------------------------------------------


def decide(client, rate_request, decision, comment="", step=None, reason=""):
    return client.post(
        f"/commissions/queue/{rate_request.pk}/decide/",
        {"decision": decision, "comment": comment, "step": step or "", "reason": reason},
    )


def test_the_queue_needs_the_reason_to_act_in_place(client, recruiter, general_manager):
    rate_request = make_request(recruiter, "8.00")
    client.force_login(general_manager)
    response = decide(client, rate_request, "approve", "同意", step="recruitment_head")
    assert response.status_code == 400
    assert "请说明代替招商部负责人审批的原因。" in response.content.decode()
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_the_queue_does_not_list_what_one_cannot_decide(client, recruiter, ops_director):
    rate_request = make_request(recruiter, "6.90")
    client.force_login(ops_director)
    assert f'id="request-{rate_request.pk}"' in client.get(QUEUE).content.decode()  # in place, lower list
    decide(client, rate_request, "approve", step="recruitment_head", reason="休假")
    assert current_role(rate_request) == "ops_director"
    assert f'id="request-{rate_request.pk}"' not in client.get(QUEUE).content.decode()  # another director's


def test_what_waits_on_me_leaves_out_a_request_i_decided_a_step_of(client_for, recruiter, general_manager):
    rate_request = make_request(recruiter, "5.00")
    approve(client_for(general_manager), rate_request, step="recruitment_head", reason="出差")
    body = client_for(general_manager).get("/api/v1/approvals/pending/", {"include_lower": "true"}).json()
    assert body["results"] == []


# --- who is asked (notifications and reminders) ---------------------------------------------


def test_who_decided_a_step_is_not_asked_for_the_next(client_for, recruiter, general_manager, ops_director):
    rate_request = make_request(recruiter, "5.00")
    approve(client_for(general_manager), rate_request, step="recruitment_head", reason="出差")
    approve(client_for(ops_director), rate_request)
    assert not general_manager.notifications.filter(kind="commissions.approval_needed").exists()
    second_gm = make_user("general_manager", username="gm2")
    with time_machine.travel("2027-06-01 10:00 +0800", tick=False):
        assert remind_overdue_approvals() == 1
    assert second_gm.notifications.filter(kind="commissions.approval_overdue").count() == 1
    assert not general_manager.notifications.filter(kind="commissions.approval_overdue").exists()
