"""A month's POS service fee paid with 50 credit points (SPEC.md §9 Decision): the monthly
payroll charges no §5.3 shortfall for that terminal and month, and still does the next."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from alliance import redemptions
from alliance.models import PointEntry, PointReason
from compensation.models import ItemKind, PayrollLine, PosFeeCredit
from compensation.services.runs import payroll_run_start
from tests.factories.compensation import signed_merchant, terminal
from workplace.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def earned(merchant, points):
    PointEntry.objects.create(merchant=merchant, points=points, reason=PointReason.PARTICIPATION)


def line_of(run, user) -> PayrollLine:
    return PayrollLine.objects.get(run=run, staff=user)


def test_it_charges_no_shortfall_for_the_redeemed_month(recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    redeemed = terminal(
        merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-06": "20.00"}
    )
    other = terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-06": "40.00"})
    earned(merchant, 50)

    redemptions.pos_fee_redeem(by=recruiter, merchant=merchant, terminal=redeemed.pk, month="2026-06")

    june, _ = payroll_run_start(kind="monthly", period="2026-06")
    july, _ = payroll_run_start(kind="monthly", period="2026-07")
    line = line_of(june, recruiter)
    assert line.pos_shortfall == Decimal("-10.00")  # only the other terminal: 50 − 40
    exempt = line.items.get(kind=ItemKind.POS_EXEMPT)
    assert exempt.amount == Decimal("0.00")
    assert exempt.data["terminal"] == redeemed.serial and exempt.data["fee_credited"] is True
    assert exempt.data["waived"] is False
    assert line_of(july, recruiter).pos_shortfall == Decimal("-100.00")  # July is not redeemed: no profit, 2 × 50
    assert other.pk not in set(PosFeeCredit.objects.values_list("terminal_id", flat=True))


def test_a_redemption_without_enough_points_is_refused_and_the_shortfall_stays(recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    row = terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-06": "20.00"})
    earned(merchant, 49)

    with pytest.raises(ApplicationError) as refused:
        redemptions.pos_fee_redeem(by=recruiter, merchant=merchant, terminal=row.pk, month="2026-06")

    assert refused.value.field == "points"
    assert not PosFeeCredit.objects.exists()
    assert PointEntry.objects.filter(merchant=merchant).count() == 1
    june, _ = payroll_run_start(kind="monthly", period="2026-06")
    assert line_of(june, recruiter).pos_shortfall == Decimal("-30.00")


def test_a_month_whose_payroll_is_final_cannot_be_credited(recruiter, general_manager):
    from compensation.models import PayrollRun, RunStatus

    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    row = terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False)
    earned(merchant, 50)
    june, _ = payroll_run_start(kind="monthly", period="2026-06")
    PayrollRun.objects.filter(pk=june.pk).update(status=RunStatus.FINAL)

    with pytest.raises(ApplicationError) as refused:
        redemptions.pos_fee_redeem(by=recruiter, merchant=merchant, terminal=row.pk, month="2026-06")

    assert refused.value.field == "month"
    assert PointEntry.objects.filter(merchant=merchant).count() == 1
