"""A head records handovers and adjustments for their own department only; the general
manager and admins for anyone (the services check it, not only the admin's choices)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from compensation.models import Adjustment, Handover
from compensation.services.handovers import handover_record
from compensation.services.runs import adjustment_add
from tests.factories.compensation import signed_merchant
from workplace.exceptions import ApplicationError, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def test_a_head_hands_over_only_their_departments_merchants(
    recruitment_head, recruiter, second_recruiter, outside_recruiter
):
    theirs = signed_merchant(outside_recruiter, signed_on=dt.date(2026, 1, 5))
    ours = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))

    with pytest.raises(ApplicationError) as elsewhere:
        handover_record(
            merchant=theirs,
            successor=second_recruiter,
            effective_on=dt.date(2026, 7, 1),
            by=recruitment_head,
            reason="离职",
        )
    assert elsewhere.value.field == "merchant"
    with pytest.raises(ApplicationError) as stranger:
        handover_record(
            merchant=ours,
            successor=outside_recruiter,
            effective_on=dt.date(2026, 7, 1),
            by=recruitment_head,
            reason="离职",
        )
    assert stranger.value.field == "successor"
    assert not Handover.objects.exists()

    handover_record(
        merchant=ours, successor=second_recruiter, effective_on=dt.date(2026, 7, 1), by=recruitment_head, reason="离职"
    )
    assert Handover.objects.get().successor == second_recruiter


def test_a_head_adjusts_only_their_departments_pay(recruitment_head, outside_recruiter, recruiter, general_manager):
    with pytest.raises(ApplicationError) as elsewhere:
        adjustment_add(
            staff=outside_recruiter,
            month=dt.date(2026, 7, 1),
            amount=Decimal("10.00"),
            reason="补发",
            by=recruitment_head,
        )
    assert elsewhere.value.field == "staff"
    assert not Adjustment.objects.exists()

    adjustment_add(
        staff=recruiter, month=dt.date(2026, 7, 1), amount=Decimal("10.00"), reason="补发", by=recruitment_head
    )
    adjustment_add(
        staff=outside_recruiter, month=dt.date(2026, 7, 1), amount=Decimal("-5.00"), reason="扣回", by=general_manager
    )
    assert Adjustment.objects.count() == 2


def test_a_recruiter_may_not_adjust_pay(recruiter):
    with pytest.raises(NotPermitted):
        adjustment_add(
            staff=recruiter, month=dt.date(2026, 7, 1), amount=Decimal("10.00"), reason="自己加薪", by=recruiter
        )
