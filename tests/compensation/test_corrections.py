"""A final run is locked; corrections are adjustment lines in a later monthly payroll
(SPEC.md §5.7: "a finalised run is locked; corrections are new adjustment lines").

Readings taken here:

* ``payroll_run_correct`` posts each person's difference with the payroll of the month
  after the last finished one that is not final (today 5 July: July's payroll, paid in
  August), never into a month that has ended: June's payroll may already be under review.
* ``adjustment_add`` names its month; any month whose payroll is not final takes it, and a
  draft of that month already computed is computed again so the adjustment is in it.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from compensation.models import (
    Adjustment,
    ItemKind,
    LineItem,
    PayrollLine,
    PayrollRun,
    PayrollRunStatusChange,
    ProfitRecord,
    RunStatus,
)
from compensation.services.runs import (
    adjustment_add,
    payroll_run_compute,
    payroll_run_correct,
    payroll_run_finalize,
    payroll_run_recompute,
    payroll_run_start,
)
from tests.factories.compensation import pay_profile, signed_merchant, terminal
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db

D = Decimal
MAY = dt.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def pos_terminal(recruiter):
    """A fee-free terminal assessed in May with a profit of 30.00: a shortfall of 20.00."""
    pay_profile(recruiter, base="4000.00")
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    return terminal(
        merchant,
        installed_on=dt.date(2026, 1, 5),
        pays_service_fee=False,
        profits={"2026-04": "100.00", "2026-05": "30.00", "2026-06": "100.00"},
    )


@pytest.fixture
def final_may(pos_terminal, general_manager):
    run, _ = payroll_run_start(kind="monthly", period="2026-05")
    return payroll_run_finalize(run=run, by=general_manager, reason="已核对")


def snapshot(run):
    """Everything a run shows: its row, its lines and their explanations."""
    run = PayrollRun.objects.get(pk=run.pk)
    lines = list(PayrollLine.objects.filter(run=run).order_by("staff_id").values())
    items = list(LineItem.objects.filter(line__run=run).order_by("line_id", "position").values())
    return (run.status, run.computed_at, run.updated_at, run.finalized_at), lines, items


def set_profit(terminal_row, month: dt.date, profit: str):
    record = ProfitRecord.objects.get(terminal=terminal_row, month=month)
    record.profit = D(profit)
    record.save()


def test_a_final_run_is_locked(final_may, recruiter, general_manager):
    # 4000 base − 300 assessment pay (no points) − 20.00 shortfall.
    assert PayrollLine.objects.get(run=final_may, staff=recruiter).total == D("3680.00")
    before = snapshot(final_may)

    with pytest.raises(InvalidTransition) as recompute:
        payroll_run_recompute(run=final_may, by=general_manager)
    assert recompute.value.status_code == 409
    with pytest.raises(InvalidTransition):
        payroll_run_compute(run=final_may, force=True)
    with pytest.raises(InvalidTransition) as refinalize:
        payroll_run_finalize(run=final_may, by=general_manager)
    assert refinalize.value.status_code == 409
    # Starting it again finds it and leaves it be.
    again, created = payroll_run_start(kind="monthly", period="2026-05")
    assert (again.pk, created) == (final_may.pk, False)

    assert snapshot(final_may) == before


def test_a_correction_is_an_adjustment_in_the_next_open_month_never_an_edit(
    final_may, pos_terminal, recruiter, general_manager
):
    before = snapshot(final_may)
    # The POS system's late figure for May: 50.00, no shortfall after all.
    set_profit(pos_terminal, MAY, "50.00")

    (adjustment,) = payroll_run_correct(run=final_may, by=general_manager, reason="5月分润补录")

    assert (adjustment.staff, adjustment.amount, adjustment.corrects) == (recruiter, D("20.00"), final_may)
    assert adjustment.month == dt.date(2026, 7, 1)
    assert adjustment.reason == "5月分润补录"
    assert snapshot(final_may) == before  # the final run is untouched

    # Correcting again pays nothing twice.
    assert payroll_run_correct(run=final_may, by=general_manager) == []
    # A second change is corrected by its own difference: 40.00 → a shortfall of 10.00.
    set_profit(pos_terminal, MAY, "40.00")
    (second,) = payroll_run_correct(run=final_may, by=general_manager)
    assert second.amount == D("-10.00")
    assert Adjustment.objects.filter(corrects=final_may).count() == 2

    # July's payroll pays both, each its own explained item.
    july, _ = payroll_run_start(kind="monthly", period="2026-07")
    line = PayrollLine.objects.get(run=july, staff=recruiter)
    assert line.adjustments == D("10.00")
    corrections = list(line.items.filter(kind=ItemKind.ADJUSTMENT).order_by("position"))
    assert [item.amount for item in corrections] == [D("20.00"), D("-10.00")]
    assert [item.source_id for item in corrections] == [adjustment.pk, second.pk]
    assert {item.data["corrects_id"] for item in corrections} == {final_may.pk}
    assert corrections[0].data["reason"] == "5月分润补录"
    assert snapshot(final_may) == before

    # The history is kept: created as a draft, finalised with its reason, nothing since.
    history = list(
        PayrollRunStatusChange.objects.filter(subject=final_may)
        .order_by("pk")
        .values_list("from_status", "to_status", "changed_by", "reason")
    )
    assert history == [("", "draft", None, ""), ("draft", "final", general_manager.pk, "已核对")]


def test_a_later_correction_goes_past_the_final_months(final_may, pos_terminal, recruiter, general_manager):
    for period in ("2026-06", "2026-07"):
        payroll_run_start(kind="monthly", period=period)
    june = PayrollRun.objects.get(period="2026-06")
    payroll_run_finalize(run=june, by=general_manager)
    # In September, with June to August final, the correction goes with September's.
    with time_machine.travel(dt.datetime(2026, 9, 3, 9, tzinfo=dt.UTC), tick=False):
        for period in ("2026-07", "2026-08"):
            run, _ = payroll_run_start(kind="monthly", period=period)
            payroll_run_finalize(run=run, by=general_manager)
        set_profit(pos_terminal, MAY, "50.00")
        (adjustment,) = payroll_run_correct(run=final_may, by=general_manager)
    assert adjustment.month == dt.date(2026, 9, 1)


def test_a_final_quarterly_bonus_is_corrected_in_the_monthly_payroll(recruiter, general_manager):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    row = terminal(merchant, installed_on=dt.date(2026, 1, 5), profits=dict.fromkeys(("2026-04", "2026-05"), "100.00"))
    q2, _ = payroll_run_start(kind="quarterly", period="2026-Q2")
    q2 = payroll_run_finalize(run=q2, by=general_manager)
    # 200 over 3 merchant-months: avg 66.67 → 1 %: 2.00.
    assert PayrollLine.objects.get(run=q2, staff=recruiter).bonus == D("2.00")
    before = snapshot(q2)
    # June's figure arrives late: 300 over 3, avg 100 → 1.2 %: 3.60.
    ProfitRecord.objects.create(terminal=row, month=dt.date(2026, 6, 1), profit=D("100.00"))

    (adjustment,) = payroll_run_correct(run=q2, by=general_manager)

    assert (adjustment.amount, adjustment.month) == (D("1.60"), dt.date(2026, 7, 1))
    assert snapshot(q2) == before


def test_what_cannot_be_corrected(final_may, recruiter, recruitment_head, general_manager):
    with pytest.raises(NotPermitted):
        payroll_run_correct(run=final_may, by=recruiter)
    draft, _ = payroll_run_start(kind="monthly", period="2026-06")
    with pytest.raises(InvalidTransition) as is_draft:
        payroll_run_correct(run=draft, by=general_manager)
    assert is_draft.value.code == "draft"
    year, _ = payroll_run_start(kind="year_end", period="2025")
    PayrollRun.objects.filter(pk=year.pk).update(status=RunStatus.FINAL)
    year.refresh_from_db()
    with pytest.raises(InvalidTransition) as year_end:
        payroll_run_correct(run=year, by=recruitment_head)
    assert year_end.value.code == "year_end"
    assert not Adjustment.objects.exists()


def test_an_adjustment_by_hand_goes_into_an_open_month_only(final_may, recruiter, recruitment_head):
    with pytest.raises(ApplicationError) as final:
        adjustment_add(staff=recruiter, month=MAY, amount=D("50.00"), reason="补发", by=recruitment_head)
    assert final.value.field == "month"
    assert "2026-05" in str(final.value.message)
    with pytest.raises(ApplicationError) as zero:
        adjustment_add(staff=recruiter, month=dt.date(2026, 7, 1), amount=D("0"), reason="补发", by=recruitment_head)
    assert zero.value.field == "amount"
    with pytest.raises(ApplicationError) as no_reason:
        adjustment_add(staff=recruiter, month=dt.date(2026, 7, 1), amount=D("5"), reason="  ", by=recruitment_head)
    assert no_reason.value.field == "reason"
    with pytest.raises(NotPermitted):
        adjustment_add(staff=recruiter, month=dt.date(2026, 7, 1), amount=D("5"), reason="补发", by=recruiter)
    assert not Adjustment.objects.exists()

    adjustment = adjustment_add(
        staff=recruiter, month=dt.date(2026, 7, 18), amount=D("-12.34"), reason="多发扣回", by=recruitment_head
    )
    assert adjustment.month == dt.date(2026, 7, 1)
    july, _ = payroll_run_start(kind="monthly", period="2026-07")
    line = PayrollLine.objects.get(run=july, staff=recruiter)
    assert line.adjustments == D("-12.34")
    assert line.items.get(kind=ItemKind.ADJUSTMENT).data["reason"] == "多发扣回"


def test_an_adjustment_into_a_computed_draft_is_in_it_when_it_is_finalised(
    pos_terminal, recruiter, recruitment_head, general_manager
):
    june, _ = payroll_run_start(kind="monthly", period="2026-06")
    assert PayrollLine.objects.get(run=june, staff=recruiter).adjustments == D("0.00")

    adjustment_add(staff=recruiter, month=dt.date(2026, 6, 1), amount=D("88.00"), reason="补发", by=recruitment_head)
    payroll_run_finalize(run=june, by=general_manager)

    line = PayrollLine.objects.get(run=june, staff=recruiter)
    assert line.adjustments == D("88.00")
    assert line.items.filter(kind=ItemKind.ADJUSTMENT).count() == 1


def test_correcting_a_quarter_does_not_claw_back_the_bonus_of_someone_who_left_after_its_payout(
    recruiter, general_manager
):
    """ "A recruiter who left before payout gets none": the payout is the final run's. A
    later correction recomputes the quarter as of that payout, so a recruiter who left
    since is corrected by the difference only, not charged back the whole bonus."""
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    row = terminal(merchant, installed_on=dt.date(2026, 1, 5), profits=dict.fromkeys(("2026-04", "2026-05"), "100.00"))
    q2, _ = payroll_run_start(kind="quarterly", period="2026-Q2")
    q2 = payroll_run_finalize(run=q2, by=general_manager)
    assert PayrollLine.objects.get(run=q2, staff=recruiter).bonus == D("2.00")
    recruiter.staff_profile.leave_date = dt.date(2026, 8, 15)
    recruiter.staff_profile.save()

    with time_machine.travel(dt.datetime(2026, 9, 3, 9, tzinfo=dt.UTC), tick=False):
        ProfitRecord.objects.create(terminal=row, month=dt.date(2026, 6, 1), profit=D("100.00"))
        (adjustment,) = payroll_run_correct(run=q2, by=general_manager)

    assert adjustment.amount == D("1.60")  # 3.60 − 2.00, not −2.00
