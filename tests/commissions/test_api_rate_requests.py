from decimal import Decimal

import pytest

from commissions.models import MerchantRate, RateRequest
from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/rate-requests/"


def create(client, merchant, rate="5.00", **extra):
    payload = {"merchant": merchant.pk, "prepaid_rate": rate, "reason": "连锁品牌，客流大", **extra}
    return client.post(URL, payload, format="json")


def approve(client, rate_request, **payload):
    return client.post(f"{URL}{rate_request.pk}/approve/", payload, format="json")


def reject(client, rate_request, **payload):
    return client.post(f"{URL}{rate_request.pk}/reject/", payload, format="json")


def test_it_creates_a_pending_request_with_its_chain(client_for, recruiter, dining_merchant):
    response = create(client_for(recruiter), dining_merchant, "5.00")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["required_role"] == "general_manager"
    assert (body["standard_rate"], body["ratio"], body["prepaid_rate"]) == ("10.00", "50.00", "5.00")
    assert body["merchant"] == dining_merchant.pk
    assert body["requested_by"] == "recruiter"
    assert body["steps"] == [
        {
            "role": role,
            "decided_by": None,
            "decision": None,
            "comment": None,
            "decided_at": None,
            "decided_as": None,
            "acting_for": None,
            "acting_reason": None,
        }
        for role in ["recruitment_head", "ops_director", "general_manager"]
    ]


def test_within_authority_it_is_granted_at_once(client_for, recruiter, dining_merchant):
    body = create(client_for(recruiter), dining_merchant, "8.50").json()
    assert (body["status"], body["required_role"], body["steps"]) == ("not_required", "recruiter", [])
    assert body["closed_at"] is not None
    assert MerchantRate.objects.get(merchant=dining_merchant).rate == Decimal("8.5")


@pytest.mark.parametrize(
    "rate, role, steps",
    [
        ("12.00", "recruiter", 0),
        ("8.50", "recruiter", 0),
        ("8.499", "recruitment_head", 1),
        ("8.40", "recruitment_head", 1),
        ("7.00", "recruitment_head", 1),
        ("6.999", "ops_director", 2),
        ("6.90", "ops_director", 2),
        ("5.10", "ops_director", 2),
        ("5.001", "ops_director", 2),
        ("5.00", "general_manager", 3),
    ],
)
def test_every_band_boundary_through_requests(client_for, recruiter, rate, role, steps):
    body = create(client_for(recruiter), make_merchant(recruiter), rate).json()
    assert (body["required_role"], len(body["steps"])) == (role, steps)


def test_a_precise_rate_is_shown_as_asked(client_for, recruiter, dining_merchant):
    body = create(client_for(recruiter), dining_merchant, "8.499").json()
    assert (body["prepaid_rate"], body["ratio"]) == ("8.499", "84.99")


def test_it_walks_the_chain_step_by_step(
    client_for, recruiter, recruitment_head, ops_director, general_manager, dining_merchant
):
    rate_request = RateRequest.objects.get(pk=create(client_for(recruiter), dining_merchant).json()["id"])
    body = approve(client_for(recruitment_head), rate_request, comment="同意").json()
    assert (body["status"], body["current_step"]) == ("pending", "ops_director")
    assert body["steps"][0]["decided_by"] == "head" and body["steps"][0]["comment"] == "同意"
    assert approve(client_for(ops_director), rate_request).json()["current_step"] == "general_manager"
    body = approve(client_for(general_manager), rate_request, comment="特批").json()
    assert body["status"] == "approved"
    assert [step["decision"] for step in body["steps"]] == ["approved"] * 3
    assert MerchantRate.objects.get(merchant=dining_merchant).rate == Decimal("5")


def test_a_rejection_stops_the_chain(client_for, recruiter, recruitment_head, ops_director, request_for):
    rate_request = request_for("5.00")
    approve(client_for(recruitment_head), rate_request)
    body = reject(client_for(ops_director), rate_request, reason="低于底线").json()
    assert body["status"] == "rejected"
    assert [s["decision"] for s in body["steps"]] == ["approved", "rejected", None]
    assert body["steps"][1]["comment"] == "低于底线"
    assert not MerchantRate.objects.exists()


def test_a_rejection_needs_a_reason(client_for, recruitment_head, request_for):
    response = reject(client_for(recruitment_head), request_for("5.00"), reason="  ")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_rejection_without_the_field_names_it(client_for, recruitment_head, request_for):
    response = reject(client_for(recruitment_head), request_for("5.00"))
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_rejected_request_can_be_made_again(client_for, recruiter, recruitment_head, dining_merchant):
    first = create(client_for(recruiter), dining_merchant, "8.00").json()
    reject(client_for(recruitment_head), RateRequest.objects.get(pk=first["id"]), reason="再谈")
    second = create(client_for(recruiter), dining_merchant, "8.20")
    assert second.status_code == 201
    assert (second.json()["status"], second.json()["prepaid_rate"], second.json()["merchant"]) == (
        "pending",
        "8.20",
        dining_merchant.pk,
    )
    assert second.json()["id"] != first["id"]
    assert RateRequest.objects.get(pk=first["id"]).status == "rejected"


def test_one_pending_request_per_merchant_and_kind(client_for, recruiter, dining_merchant):
    create(client_for(recruiter), dining_merchant, "8.00")
    response = create(client_for(recruiter), dining_merchant, "7.00")
    assert response.status_code == 409
    assert "merchant" in response.json()


def test_nobody_decides_their_own_request(client_for, recruitment_head, department):
    merchant = make_merchant(recruitment_head, department=department)
    rate_request = make_request(recruitment_head, "8.00", merchant=merchant)
    response = approve(client_for(recruitment_head), rate_request)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert RateRequest.objects.get(pk=rate_request.pk).status == "pending"


def test_a_higher_level_may_act_in_place_and_it_is_recorded(client_for, ops_director, request_for):
    rate_request = request_for("6.90")
    body = approve(
        client_for(ops_director), rate_request, comment="同意", step="recruitment_head", reason="负责人休假"
    ).json()
    step = body["steps"][0]
    assert (step["decided_by"], step["decided_as"], step["acting_for"], step["acting_reason"], step["comment"]) == (
        "director",
        "ops_director",
        "recruitment_head",
        "负责人休假",
        "同意",
    )
    assert body["current_step"] == "ops_director"


def test_a_lower_level_is_refused(client_for, recruitment_head, ops_director, request_for):
    rate_request = request_for("5.00")
    approve(client_for(recruitment_head), rate_request)
    approve(client_for(ops_director), rate_request)
    response = approve(client_for(ops_director), rate_request)
    assert (response.status_code, response.json()["code"]) == (403, "second_step")  # their step is behind them
    outsider_level = request_for("5.00", kind="pos_fee_waiver")
    response = approve(client_for(recruitment_head), outsider_level)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_nobody_decides_a_second_step(client_for, recruitment_head, request_for):
    rate_request = request_for("6.90")
    first = approve(client_for(recruitment_head), rate_request)
    assert (first.status_code, first.json()["current_step"]) == (200, "ops_director")
    response = approve(client_for(recruitment_head), rate_request)
    assert (response.status_code, response.json()["code"]) == (403, "second_step")


def test_a_lower_level_whose_step_is_behind_them_is_a_conflict(client_for, recruitment_head, ops_director):
    from tests.factories.workplace import make_user

    deputy = make_user("recruitment_head", username="deputy", department=recruitment_head.staff_profile.department)
    rate_request = make_request(
        make_user("recruiter", username="r2", department=deputy.staff_profile.department), "6.90"
    )
    approve(client_for(recruitment_head), rate_request)
    response = approve(client_for(deputy), rate_request)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")


def test_a_closed_request_is_a_conflict(client_for, recruitment_head, general_manager, request_for):
    rate_request = request_for("8.00")
    approve(client_for(recruitment_head), rate_request)
    again = approve(client_for(general_manager), rate_request)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    late = reject(client_for(general_manager), rate_request, reason="晚了")
    assert (late.status_code, late.json()["code"]) == (409, "invalid_state")
    assert RateRequest.objects.get(pk=rate_request.pk).status == "approved"


def test_naming_a_step_that_is_no_longer_current_is_a_conflict(client_for, recruitment_head, ops_director, request_for):
    rate_request = request_for("6.90")
    approve(client_for(recruitment_head), rate_request)
    response = approve(client_for(ops_director), rate_request, step="recruitment_head")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
    assert RateRequest.objects.get(pk=rate_request.pk).current_step.role == "ops_director"


def test_decisions_are_never_undone(client_for, recruitment_head, general_manager, request_for):
    rate_request = request_for("8.00")
    approve(client_for(recruitment_head), rate_request, comment="同意")
    reject(client_for(general_manager), rate_request, reason="改主意")
    step = rate_request.steps.get()
    assert (step.decision, step.comment, step.decided_by) == ("approved", "同意", recruitment_head)


@pytest.mark.parametrize(
    "merchant_fields",
    [{"status": "terminated"}, {"status": "suspended"}],
)
def test_it_refuses_merchants_that_are_not_prospects_or_active(client_for, recruiter, merchant_fields):
    response = create(client_for(recruiter), make_merchant(recruiter, **merchant_fields))
    assert response.status_code == 400
    assert "merchant" in response.json()


def test_an_active_merchant_may_get_a_rate(client_for, recruiter):
    merchant = make_merchant(recruiter, status="active")
    response = create(client_for(recruiter), merchant)
    assert response.status_code == 201
    assert (response.json()["merchant"], response.json()["status"], response.json()["prepaid_rate"]) == (
        merchant.pk,
        "pending",
        "5.00",
    )


def test_only_the_owner_requests(client_for, second_recruiter, recruitment_head, dining_merchant):
    refused = create(client_for(recruitment_head), dining_merchant)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    response = create(client_for(second_recruiter), dining_merchant)
    assert response.status_code == 400  # not among theirs: not even its existence is told
    assert "merchant" in response.json()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"prepaid_rate": "-0.01"}, "prepaid_rate"),
        ({"prepaid_rate": "100.5"}, "prepaid_rate"),
        ({"prepaid_rate": None}, "prepaid_rate"),
        ({"reason": ""}, "reason"),
        ({"merchant": 999999}, "merchant"),
        ({"merchant": "x"}, "merchant"),
        ({"kind": "loan"}, "kind"),
        ({"effective_from": "2001-01-01"}, "effective_from"),
    ],
)
def test_it_names_the_bad_field(client_for, recruiter, dining_merchant, payload, field):
    body = {"merchant": dining_merchant.pk, "prepaid_rate": "5.00", "reason": "理由", **payload}
    response = client_for(recruiter).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not RateRequest.objects.exists()


def test_the_rules_are_frozen_on_the_request(client_for, recruiter, recruitment_head, request_for):
    from django.utils import timezone

    from commissions.models import AuthorityBand, AuthorityBandSet, CommissionStandard

    rate_request = request_for("8.00")
    today = timezone.localdate()
    CommissionStandard.objects.create(
        category="dining_entertainment",
        effective_from=today,
        bank_card_fee=Decimal("2"),
        prepaid_commission=Decimal("8.00"),
    )
    bands = AuthorityBandSet.objects.create(effective_from=today)
    AuthorityBand.objects.create(band_set=bands, role="general_manager", min_ratio=Decimal("0"))
    body = client_for(recruiter).get(f"{URL}{rate_request.pk}/").json()
    assert (body["standard_rate"], body["ratio"], body["required_role"]) == ("10.00", "80.00", "recruitment_head")
    assert len(body["steps"]) == 1
    assert approve(client_for(recruitment_head), rate_request).json()["status"] == "approved"
    quote = client_for(recruiter).post(
        "/api/v1/commissions/quote/", {"category": "dining_entertainment", "prepaid_rate": "8.00"}, format="json"
    )
    assert (quote.json()["standard_rate"], quote.json()["required_role"]) == ("8.00", "general_manager")


def test_it_notifies_the_next_approver_and_the_requester(
    client_for, recruiter, recruitment_head, ops_director, request_for
):
    rate_request = request_for("6.90")
    assert recruitment_head.notifications.filter(kind="commissions.approval_needed").count() == 1
    approve(client_for(recruitment_head), rate_request)
    assert ops_director.notifications.filter(kind="commissions.approval_needed").count() == 1
    approve(client_for(ops_director), rate_request)
    assert recruiter.notifications.filter(kind="commissions.request_approved").count() == 1


def test_it_notifies_the_requester_of_a_refusal(client_for, recruiter, recruitment_head, request_for):
    reject(client_for(recruitment_head), request_for("8.00"), reason="不行")
    notification = recruiter.notifications.get(kind="commissions.request_rejected")
    assert notification.body == "不行"


def test_the_head_of_another_department_is_not_told(recruiter, outside_head, request_for):
    request_for("8.00")
    assert not outside_head.notifications.exists()


def test_heads_without_a_department_are_not_told_of_a_merchant_without_one(recruiter, ops_director):
    from tests.factories.workplace import make_user

    floating_head = make_user("recruitment_head", username="floating_head", manager=ops_director)
    make_request(recruiter, "8.00", department=None)
    assert not floating_head.notifications.exists()
