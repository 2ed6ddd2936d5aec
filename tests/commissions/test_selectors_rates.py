import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from commissions.selectors import merchant_rates, rate_history
from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db


def test_without_an_agreed_rate_the_standard_applies(recruiter):
    merchant = make_merchant(recruiter, category="beauty_hair")
    assert merchant_rates(merchant) == {
        "prepaid_rate": Decimal("15.00"),
        "bank_card_fee": Decimal("3.00"),
        "prepaid_reference": None,
        "bank_card_reference": None,
    }


def test_an_approved_rate_applies_from_its_decision_date(client_for, recruiter, recruitment_head):
    merchant = make_merchant(recruiter)
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        rate_request = make_request(recruiter, "8.00", merchant=merchant)
    with time_machine.travel("2026-11-04 10:00 +0800", tick=False):
        client_for(recruitment_head).post(f"/api/v1/rate-requests/{rate_request.pk}/approve/", {})
    assert merchant_rates(merchant, on=dt.date(2026, 11, 3))["prepaid_rate"] == Decimal("10.00")
    rates = merchant_rates(merchant, on=dt.date(2026, 11, 4))
    assert (rates["prepaid_rate"], rates["prepaid_reference"]) == (Decimal("8"), f"RR-{rate_request.pk:06d}")


def test_a_later_effective_date_asked_for_is_kept(client_for, recruiter, recruitment_head, dining_merchant):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        body = (
            client_for(recruiter)
            .post(
                "/api/v1/rate-requests/",
                {
                    "merchant": dining_merchant.pk,
                    "prepaid_rate": "8.00",
                    "reason": "x",
                    "effective_from": "2026-12-01",
                },
                format="json",
            )
            .json()
        )
        client_for(recruitment_head).post(f"/api/v1/rate-requests/{body['id']}/approve/", {})
    assert merchant_rates(dining_merchant, on=dt.date(2026, 11, 30))["prepaid_reference"] is None
    assert merchant_rates(dining_merchant, on=dt.date(2026, 12, 1))["prepaid_rate"] == Decimal("8")


def test_a_pending_or_rejected_rate_does_not_apply(client_for, recruiter, recruitment_head, dining_merchant):
    rejected = make_request(recruiter, "8.00", merchant=dining_merchant)
    client_for(recruitment_head).post(f"/api/v1/rate-requests/{rejected.pk}/reject/", {"reason": "否"})
    make_request(recruiter, "7.50", merchant=dining_merchant)
    assert merchant_rates(dining_merchant)["prepaid_rate"] == Decimal("10.00")


def test_the_history_keeps_every_agreed_rate(recruiter, dining_merchant):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        make_request(recruiter, "9.00", merchant=dining_merchant)
    with time_machine.travel("2026-11-09 10:00 +0800", tick=False):
        make_request(recruiter, "8.80", merchant=dining_merchant)
    assert [(row.rate, row.effective_from) for row in rate_history(dining_merchant)] == [
        (Decimal("8.8"), dt.date(2026, 11, 9)),
        (Decimal("9"), dt.date(2026, 11, 2)),
    ]
    assert merchant_rates(dining_merchant, on=dt.date(2026, 11, 5))["prepaid_rate"] == Decimal("9")
