"""The year-end bonus run (SPEC.md §5.6) end to end: each department's pool from its
merchants' terminal profits over the year, the department head's allocation (to the fen),
the general manager's approval, the shares paid, deferred or refused.

Readings of SPEC.md taken here:

* "Recruitment managers" (招商经理) are the department's recruiters; the pool is the
  department's, from the merchants of the department.
* "Under 3 months' service at year end": whole months from the hire date to 31 December
  (hired 1 October → 3 months, paid; hired 2 October → 2, deferred). A deferred share is
  paid by next year's year-end run, once the deferring run is final.
* "Those who left get none": the head cannot give a leaver more than 0.00.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from compensation.models import (
    Allocation,
    AllocationShare,
    AllocationStatus,
    ItemKind,
    PayrollLine,
    ProfitRecord,
    RunStatus,
    YearEndPool,
)
from compensation.services.allocation import ShareErrors, allocation_approve, allocation_propose
from compensation.services.runs import payroll_run_finalize, payroll_run_recompute, payroll_run_start
from tests.factories.compensation import signed_merchant, terminal
from tests.factories.workplace import make_user
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db

D = Decimal
YEAR_2025 = [f"2025-{month:02d}" for month in range(1, 13)]


@pytest.fixture(autouse=True)
def _january():
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def merchant_with_year(recruiter, monthly: str, months=YEAR_2025):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2024, 6, 1))
    terminal(merchant, installed_on=dt.date(2024, 6, 1), profits=dict.fromkeys(months, monthly))
    return merchant


@pytest.fixture
def managers(department, recruitment_head, recruiter, second_recruiter):
    """The department's managers: ``recruiter`` (long-serving), ``second_recruiter``
    (hired 1 October 2025: exactly 3 months) and ``newcomer`` (hired 2 October: 2)."""
    second_recruiter.staff_profile.hire_date = dt.date(2025, 10, 1)
    second_recruiter.staff_profile.save()
    newcomer = make_user("recruiter", username="newcomer", department=department, manager=recruitment_head)
    newcomer.staff_profile.hire_date = dt.date(2025, 10, 2)
    newcomer.staff_profile.save()
    return {"recruiter": recruiter, "second": second_recruiter, "newcomer": newcomer}


@pytest.fixture
def year_run(managers, outside_recruiter):
    # 招商部: 12 × 160.00 + 12 × 140.03 = 3600.36 over 24 merchant-months: avg 150.015 →
    # 0.5 % + 2 × 0.1 % = 0.7 %; pool 25.20252 → 25.20.
    merchant_with_year(managers["recruiter"], "160.00")
    merchant_with_year(managers["second"], "140.03")
    # 招商二部: avg 40 ≤ 50, no pool.
    merchant_with_year(outside_recruiter, "40.00")
    run, created = payroll_run_start(kind="year_end", period="2025")
    assert created
    return run


def shares(**amounts):
    return [{"staff": username, "amount": amount} for username, amount in amounts.items()]


GOOD = {"recruiter": "15.00", "recruiter_b": "6.20", "newcomer": "4.00"}


def test_each_department_has_its_pool(year_run, department, other_department):
    pool = YearEndPool.objects.get(run=year_run, department=department)
    assert (pool.total_profit, pool.merchant_months, pool.average, pool.rate, pool.pool) == (
        D("3600.36"),
        24,
        D("150.02"),
        D("0.70"),
        D("25.20"),
    )
    outside = YearEndPool.objects.get(run=year_run, department=other_department)
    assert (outside.total_profit, outside.average, outside.rate, outside.pool) == (
        D("480.00"),
        D("40.00"),
        D("0.00"),
        D("0.00"),
    )
    # Nothing is paid before an allocation is approved.
    assert not PayrollLine.objects.filter(run=year_run).exists()


def test_the_pool_rate_is_capped_at_one_percent(managers):
    merchant_with_year(managers["recruiter"], "1000.00")
    run, _ = payroll_run_start(kind="year_end", period="2025")
    pool = YearEndPool.objects.get(run=run)
    # avg 1000: 0.5 % + 19 × 0.1 % would be 2.4 %; capped at 1.0 % of 12000.
    assert (pool.rate, pool.pool) == (D("1.00"), D("120.00"))


def test_finalising_without_an_approved_allocation_is_refused(year_run, general_manager, recruitment_head):
    with pytest.raises(InvalidTransition) as refused:
        payroll_run_finalize(run=year_run, by=general_manager)
    assert refused.value.status_code == 409
    assert refused.value.code == "allocation_missing"
    assert "招商部" in str(refused.value.message)
    assert "招商二部" not in str(refused.value.message)  # a pool of 0.00 needs none
    year_run.refresh_from_db()
    assert year_run.status == RunStatus.DRAFT

    # Proposed but not approved: still refused.
    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    with pytest.raises(InvalidTransition) as again:
        payroll_run_finalize(run=year_run, by=general_manager)
    assert again.value.code == "allocation_missing"


@pytest.mark.parametrize(
    ("amounts", "difference", "words"),
    [
        ({**GOOD, "newcomer": "3.99"}, "-0.01", "0.01 short"),
        ({**GOOD, "newcomer": "4.10"}, "0.10", "0.10 too much"),
        ({"recruiter": "25.00"}, "-0.20", "0.20 short"),
    ],
)
def test_shares_that_do_not_add_up_to_the_pool_say_by_how_much_and_save_nothing(
    year_run, recruitment_head, amounts, difference, words
):
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        allocation_propose(run=year_run, by=recruitment_head, shares=shares(**amounts))
    error = refused.value
    assert error.status_code == 400
    assert error.field == "shares"
    assert words in str(error.message)
    assert "25.20" in str(error.message)
    assert error.extra["pool"] == "25.20"
    assert error.extra["difference"] == difference
    assert D(error.extra["total"]) - D(error.extra["pool"]) == D(difference)
    assert not Allocation.objects.exists()
    assert not AllocationShare.objects.exists()


def test_the_shortfall_is_said_in_chinese_too(year_run, recruitment_head):
    with pytest.raises(ApplicationError) as refused:
        allocation_propose(run=year_run, by=recruitment_head, shares=shares(**{**GOOD, "newcomer": "3.99"}))
    assert "还差 0.01" in str(refused.value.message)


def test_bad_shares_are_named_one_by_one(year_run, recruitment_head, outside_recruiter, managers):
    leaver = make_user("recruiter", username="leaver", department=managers["recruiter"].staff_profile.department)
    leaver.staff_profile.leave_date = dt.date(2025, 12, 20)
    leaver.staff_profile.save()
    with translation.override("en"), pytest.raises(ShareErrors) as refused:
        allocation_propose(
            run=year_run,
            by=recruitment_head,
            shares=[
                {"staff": "recruiter", "amount": "10.001"},
                {"staff": "recruiter_east", "amount": "1.00"},
                {"staff": "leaver", "amount": "1.00"},
                {"staff": "recruiter", "amount": "1.00"},
                {"amount": "1.00"},
                {"staff": "newcomer"},
            ],
        )
    errors = {entry["index"]: entry["errors"] for entry in refused.value.extra["shares"]}
    assert set(errors) == {0, 1, 2, 3, 4, 5}
    assert list(errors[0]) == ["amount"]
    assert "not a recruitment manager" in errors[1]["staff"][0]
    assert "has left" in errors[2]["amount"][0]
    assert "two shares" in errors[3]["staff"][0]
    assert list(errors[4]) == ["staff"] and list(errors[5]) == ["amount"]
    assert not Allocation.objects.exists()

    # A leaver may be named with nothing.
    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD, leaver="0.00"))


def test_only_the_head_proposes_and_only_the_general_manager_approves(
    year_run, recruiter, recruitment_head, general_manager, outside_head
):
    with pytest.raises(NotPermitted):
        allocation_propose(run=year_run, by=recruiter, shares=shares(**GOOD))
    with pytest.raises(NotPermitted):
        allocation_propose(run=year_run, by=general_manager, shares=shares(**GOOD))
    # The other department's head allocates their own pool: these are not their managers.
    with pytest.raises(ShareErrors):
        allocation_propose(run=year_run, by=outside_head, shares=shares(**GOOD))
    with pytest.raises(InvalidTransition) as nothing:
        allocation_approve(run=year_run, by=general_manager)
    assert nothing.value.code == "nothing_proposed"

    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    with pytest.raises(NotPermitted):
        allocation_approve(run=year_run, by=recruitment_head)
    assert not PayrollLine.objects.filter(run=year_run).exists()


def test_approved_shares_are_paid_a_newcomer_deferred_and_next_year_pays_it(
    year_run, recruitment_head, general_manager, managers
):
    first = allocation_propose(run=year_run, by=recruitment_head, shares=shares(recruiter="25.20"))
    second = allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    first.refresh_from_db()
    assert first.status == AllocationStatus.SUPERSEDED  # kept, not deleted
    assert second.status == AllocationStatus.PROPOSED

    (approved,) = allocation_approve(run=year_run, by=general_manager)
    assert approved.pk == second.pk
    assert (approved.status, approved.approved_by) == (AllocationStatus.APPROVED, general_manager)

    # The run was recomputed from the approved shares.
    lines = {line.staff.username: line for line in PayrollLine.objects.filter(run=year_run).select_related("staff")}
    assert set(lines) == {"recruiter", "recruiter_b", "newcomer"}
    assert (lines["recruiter"].bonus, lines["recruiter"].total) == (D("15.00"), D("15.00"))
    assert lines["recruiter_b"].bonus == D("6.20")  # exactly 3 months: paid
    (share,) = lines["recruiter"].items.all()
    assert (share.kind, share.amount, share.source_id) == (ItemKind.POOL_SHARE, D("15.00"), approved.pk)
    assert share.data == {"department": "招商部", "pool": "25.20", "year": "2025"}
    newcomer = lines["newcomer"]
    assert (newcomer.bonus, newcomer.total) == (D("0.00"), D("0.00"))
    (deferred,) = newcomer.items.all()
    assert (deferred.kind, deferred.amount) == (ItemKind.DEFERRED, D("4.00"))
    assert deferred.data["hire_date"] == "2025-10-02"
    # Paid and deferred add up to the pool.
    assert sum(line.bonus for line in lines.values()) + deferred.amount == D("25.20")

    with pytest.raises(InvalidTransition) as locked:
        allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    assert locked.value.code == "approved"

    # Recomputing with the same figures keeps the approval and the lines.
    payroll_run_recompute(run=year_run)
    approved.refresh_from_db()
    assert approved.status == AllocationStatus.APPROVED
    assert PayrollLine.objects.get(run=year_run, staff=managers["recruiter"]).bonus == D("15.00")

    payroll_run_finalize(run=year_run, by=general_manager)
    year_run.refresh_from_db()
    assert year_run.status == RunStatus.FINAL

    # Next year's run pays the deferred share (its own pool is empty: no profit in 2026).
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        next_run, _ = payroll_run_start(kind="year_end", period="2026")
        paid = PayrollLine.objects.get(run=next_run, staff=managers["newcomer"])
        assert (paid.bonus, paid.total) == (D("4.00"), D("4.00"))
        (item,) = paid.items.all()
        assert (item.kind, item.data["deferred_from"]) == (ItemKind.POOL_SHARE, "2025")
        assert PayrollLine.objects.filter(run=next_run).count() == 1  # the others were paid last year
        payroll_run_finalize(run=next_run, by=general_manager)  # no pool with money, nothing to allocate


def test_a_pool_that_changes_after_approval_needs_a_new_allocation(
    year_run, recruitment_head, general_manager, managers
):
    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    allocation_approve(run=year_run, by=general_manager)
    # A late profit import for 2025 changes the pool: 4600.36 over 24, avg 191.68 → 0.7 %.
    record = ProfitRecord.objects.filter(
        terminal__merchant__recruiter=managers["recruiter"], month=dt.date(2025, 12, 1)
    ).get()
    record.profit = D("1160.00")
    record.save()

    payroll_run_recompute(run=year_run)

    pool = YearEndPool.objects.get(run=year_run, pool__gt=0)
    assert pool.pool == D("32.20")  # 4600.36 × 0.7 % = 32.20252
    assert not Allocation.objects.filter(pool=pool).exclude(status=AllocationStatus.SUPERSEDED).exists()
    assert not PayrollLine.objects.filter(run=year_run).exists()
    with pytest.raises(InvalidTransition) as refused:
        payroll_run_finalize(run=year_run, by=general_manager)
    assert refused.value.code == "allocation_missing"


def test_a_manager_who_left_after_the_allocation_is_not_paid(year_run, recruitment_head, general_manager, managers):
    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    managers["recruiter"].staff_profile.leave_date = dt.date(2026, 1, 3)
    managers["recruiter"].staff_profile.save()

    allocation_approve(run=year_run, by=general_manager)

    line = PayrollLine.objects.get(run=year_run, staff=managers["recruiter"])
    assert (line.bonus, line.total) == (D("0.00"), D("0.00"))
    (item,) = line.items.all()
    assert (item.kind, item.amount, item.data["left_on"]) == (ItemKind.NOT_PAID, D("15.00"), "2026-01-03")


def test_a_deferred_share_is_not_paid_to_someone_who_left_before_next_years_payout(
    year_run, recruitment_head, general_manager, managers
):
    allocation_propose(run=year_run, by=recruitment_head, shares=shares(**GOOD))
    allocation_approve(run=year_run, by=general_manager)
    payroll_run_finalize(run=year_run, by=general_manager)
    managers["newcomer"].staff_profile.leave_date = dt.date(2026, 9, 30)
    managers["newcomer"].staff_profile.save()

    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        next_run, _ = payroll_run_start(kind="year_end", period="2026")

    line = PayrollLine.objects.get(run=next_run, staff=managers["newcomer"])
    assert (line.bonus, line.total) == (D("0.00"), D("0.00"))
    (item,) = line.items.all()
    assert (item.kind, item.amount, item.data["left_on"], item.data["year"]) == (
        ItemKind.NOT_PAID,
        D("4.00"),
        "2026-09-30",
        "2025",
    )
