"""The quarterly bonus run (SPEC.md §5.4, §5.5) end to end: terminal profits recorded as
``ProfitRecord`` rows, merchants signed, terminated and handed over, the run started and
computed, each recruiter's line and its explanation read back.

Q2 2026 runs from 1 April to 30 June: 91 days. Today is 5 July 2026 (the payout).

Readings of SPEC.md taken here:

* §5.5 splits "that merchant's bonus": the engine splits the merchant's *profit* between
  the bonus bases of leaver and successor by the day shares, each part to the fen, the
  parts adding to the merchant's profit exactly; each applies their own rate. A merchant
  a recruiter shares counts in their merchant-months and churn like one they own.
* "A recruiter who left before payout gets none": a leave date before the run's day; the
  bonus they would have had is shown as a "not paid" item, not given to anyone else.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from compensation.models import ItemKind, LineItem, PayrollLine
from compensation.services.handovers import handover_record
from compensation.services.runs import payroll_run_start
from tests.factories.compensation import signed_merchant, terminal
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

D = Decimal
BEFORE = dt.date(2026, 1, 10)  # signed before the quarter
Q2 = ("2026-04", "2026-05", "2026-06")


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def merchant_with_profits(recruiter, monthly, *, signed_on=BEFORE, terminated_on=None, extra=None):
    """A merchant of ``recruiter`` with one terminal earning ``monthly`` over Q2 (a value,
    or ``{"2026-04": "…"}``); ``extra`` profits outside or besides those."""
    merchant = signed_merchant(recruiter, signed_on=signed_on, terminated_on=terminated_on)
    profits = monthly if isinstance(monthly, dict) else dict.fromkeys(Q2, monthly)
    terminal(merchant, installed_on=dt.date(2025, 12, 1), profits={**profits, **(extra or {})})
    return merchant


def run_q2():
    run, _ = payroll_run_start(kind="quarterly", period="2026-Q2")
    return run


def line_of(run, user) -> PayrollLine:
    return PayrollLine.objects.get(run=run, staff=user)


def items(line, kind):
    return list(line.items.filter(kind=kind).order_by("position"))


def bonus_item(line) -> LineItem:
    (item,) = line.items.filter(kind__in=[ItemKind.BONUS, ItemKind.NOT_PAID])
    return item


def merchant_parts(run, merchant) -> dict[int, Decimal]:
    """Each recruiter's part of ``merchant``'s profit in ``run``'s bonus bases."""
    rows = LineItem.objects.filter(
        line__run=run, kind=ItemKind.BONUS_MERCHANT, source_type="merchants.merchant", source_id=merchant.pk
    )
    return {row.line.staff_id: row.amount for row in rows.select_related("line")}


def test_the_bonus_of_a_quarter_from_its_profits_with_the_churn_deduction(recruiter):
    m1 = signed_merchant(recruiter, signed_on=BEFORE, name="一号店")
    terminal(
        m1,
        installed_on=dt.date(2025, 12, 1),
        profits={"2026-03": "999.00", "2026-04": "100.00", "2026-05": "100.00", "2026-06": "100.00", "2026-07": "5"},
    )
    terminal(m1, installed_on=dt.date(2026, 4, 2), profits={"2026-04": "23.45"})  # a second terminal
    merchant_with_profits(recruiter, "150.00")
    merchant_with_profits(recruiter, "80.00")
    merchant_with_profits(recruiter, {"2026-05": "40.00", "2026-06": "60.00"}, signed_on=dt.date(2026, 5, 15))
    gone = merchant_with_profits(
        recruiter, {"2026-04": "70.00", "2026-05": "30.00"}, terminated_on=dt.date(2026, 5, 20)
    )
    # Not in the quarter: terminated before it, signed after it.
    signed_merchant(recruiter, signed_on=BEFORE, terminated_on=dt.date(2026, 3, 31))
    merchant_with_profits(recruiter, {"2026-07": "500.00"}, signed_on=dt.date(2026, 7, 2))

    run = run_q2()

    # total 323.45 + 450 + 240 + 100 + 100 = 1213.45 over 3+3+3+2+2 = 13 merchant-months:
    # avg 93.34 → 1.0 %; churn 1 of 5 = 20 % → −0.2 % → 0.8 %; 1213.45 × 0.8 % = 9.7076.
    line = line_of(run, recruiter)
    assert line.bonus == D("9.71")
    assert line.total == D("9.71")
    assert (line.base_salary, line.assessment_pay, line.pos_shortfall) == (D(0), D(0), D(0))
    bonus = bonus_item(line)
    assert bonus.kind == ItemKind.BONUS and bonus.amount == D("9.71")
    figures = bonus.data
    assert D(figures["total"]) == D("1213.45")
    assert figures["merchant_months"] == 13
    assert D(figures["average"]) == D("93.34")
    assert D(figures["base_rate"]) == D("1.0")
    assert D(figures["churn"]) == D("20.00")
    assert (figures["terminated"], figures["owned"]) == (1, 5)
    assert D(figures["churn_deduction"]) == D("0.2")
    assert D(figures["rate"]) == D("0.8")

    merchants = items(line, ItemKind.BONUS_MERCHANT)
    assert sorted(item.amount for item in merchants) == [
        D("100.00"),
        D("100.00"),
        D("240.00"),
        D("323.45"),
        D("450.00"),
    ]
    assert sum(item.amount for item in merchants) == D(figures["total"])
    first = next(item for item in merchants if item.source_id == m1.pk)
    assert first.data == {"merchant": "一号店", "profit": "323.45"}  # no share: owned alone
    assert any(item.source_id == gone.pk for item in merchants)


def test_churn_of_three_in_ten_takes_two_steps_and_a_low_average_pays_nothing(recruiter, second_recruiter):
    for index in range(10):
        merchant_with_profits(recruiter, "200.00", terminated_on=dt.date(2026, 6, 30) if index < 3 else None)
    # 10 merchants × 3 months × 200 = 6000 over 30 merchant-months: avg 200 → 1.6 %;
    # churn 30 % → −0.4 % → 1.2 %: 72.00.
    merchant_with_profits(second_recruiter, "50.00")  # avg exactly 50: no bonus

    run = run_q2()

    figures = bonus_item(line_of(run, recruiter)).data
    assert (D(figures["base_rate"]), D(figures["churn_deduction"]), D(figures["rate"])) == (
        D("1.6"),
        D("0.4"),
        D("1.2"),
    )
    assert line_of(run, recruiter).bonus == D("72.00")
    second = line_of(run, second_recruiter)
    assert second.bonus == D("0.00")
    assert D(bonus_item(second).data["average"]) == D("50.00")
    assert D(bonus_item(second).data["rate"]) == D(0)


def test_a_recruiter_who_left_before_the_payout_is_not_paid(recruiter, second_recruiter):
    merchant_with_profits(recruiter, "100.00")
    merchant_with_profits(second_recruiter, "100.00")
    recruiter.staff_profile.leave_date = dt.date(2026, 6, 30)
    recruiter.staff_profile.save()
    second_recruiter.staff_profile.leave_date = dt.date(2026, 7, 31)  # leaves after the payout
    second_recruiter.staff_profile.save()

    run = run_q2()

    # 300 over 3 merchant-months: avg 100 → 1.2 % → 3.60 for each.
    gone = line_of(run, recruiter)
    assert (gone.bonus, gone.total) == (D("0.00"), D("0.00"))
    item = bonus_item(gone)
    assert item.kind == ItemKind.NOT_PAID
    assert item.amount == D("3.60")
    assert item.data["left_on"] == "2026-06-30"
    assert line_of(run, second_recruiter).bonus == D("3.60")


def test_a_handover_on_the_first_day_of_the_quarter_splits_the_whole_quarter_equally(
    recruiter, second_recruiter, recruitment_head
):
    merchant = merchant_with_profits(
        recruiter, {"2026-04": "300.00", "2026-05": "300.00", "2026-06": "400.01"}, extra={"2026-03": "90.00"}
    )
    handover_record(
        merchant=merchant,
        successor=second_recruiter,
        effective_on=dt.date(2026, 4, 1),
        by=recruitment_head,
        reason="调岗",
    )

    run = run_q2()

    # 1000.01 split 50/50: 500.005 each, to the fen 500.01 (the later id) and 500.00.
    parts = merchant_parts(run, merchant)
    assert parts == {recruiter.pk: D("500.00"), second_recruiter.pk: D("500.01")}
    assert sum(parts.values()) == D("1000.01")
    leaver, successor = line_of(run, recruiter), line_of(run, second_recruiter)
    for line in (leaver, successor):
        (item,) = items(line, ItemKind.BONUS_MERCHANT)
        assert item.data["share"] == "50.00"
        assert item.data["profit"] == "1000.01"
        # Both share the merchant in all three months: avg ≈ 166.67 → 1.4 %.
        assert bonus_item(line).data["merchant_months"] == 3
        assert D(bonus_item(line).data["rate"]) == D("1.4")
    assert leaver.bonus == D("7.00")  # 500.00 × 1.4 %
    assert successor.bonus == D("7.00")  # 500.01 × 1.4 % = 7.00014

    # The quarter before the move was the leaver's alone.
    q1, _ = payroll_run_start(kind="quarterly", period="2026-Q1")
    assert merchant_parts(q1, merchant) == {recruiter.pk: D("90.00")}


def test_a_handover_on_the_last_day_of_the_quarter_leaves_the_successor_half_a_day(
    recruiter, second_recruiter, recruitment_head
):
    merchant = merchant_with_profits(recruiter, {"2026-04": "300.00", "2026-05": "300.00", "2026-06": "400.00"})
    handover_record(
        merchant=merchant,
        successor=second_recruiter,
        effective_on=dt.date(2026, 6, 30),
        by=recruitment_head,
        reason="离职",
    )

    run = run_q2()

    # The successor has half of one day in 91: 1000 × 0.5 / 91 = 5.4945 → 5.49.
    parts = merchant_parts(run, merchant)
    assert parts == {recruiter.pk: D("994.51"), second_recruiter.pk: D("5.49")}
    assert sum(parts.values()) == D("1000.00")
    leaver, successor = line_of(run, recruiter), line_of(run, second_recruiter)
    assert items(leaver, ItemKind.BONUS_MERCHANT)[0].data["share"] == "99.45"
    assert items(successor, ItemKind.BONUS_MERCHANT)[0].data["share"] == "0.55"
    # Leaver: 994.51 over 3 merchant-months, avg 331.50 → capped 2 %: 19.89.
    assert leaver.bonus == D("19.89")
    assert D(bonus_item(leaver).data["rate"]) == D("2.0")
    # Successor: 5.49 over the one month of June: avg ≤ 50, no bonus.
    assert bonus_item(successor).data["merchant_months"] == 1
    assert successor.bonus == D("0.00")


def test_a_handover_inside_the_quarter_is_pro_rata_then_split_and_later_quarters_go_to_the_successor(
    recruiter, second_recruiter, recruitment_head
):
    merchant = merchant_with_profits(recruiter, "91.00", extra={"2026-07": "70.00"})
    # From 1 May: 30 days of April the leaver's alone, the other 61 days halved.
    handover_record(
        merchant=merchant,
        successor=second_recruiter,
        effective_on=dt.date(2026, 5, 1),
        by=recruitment_head,
        reason="调岗",
    )

    run = run_q2()

    # 273 × (30 + 30.5) / 91 = 181.50; 273 × 30.5 / 91 = 91.50.
    assert merchant_parts(run, merchant) == {recruiter.pk: D("181.50"), second_recruiter.pk: D("91.50")}

    # Q3 (a preview today) is the successor's alone.
    q3, _ = payroll_run_start(kind="quarterly", period="2026-Q3")
    assert merchant_parts(q3, merchant) == {second_recruiter.pk: D("70.00")}


def test_a_leaver_who_keeps_maintaining_the_merchant_keeps_it_in_full(recruiter, second_recruiter, recruitment_head):
    merchant = merchant_with_profits(recruiter, "100.00")
    handover_record(
        merchant=merchant,
        successor=second_recruiter,
        effective_on=dt.date(2026, 5, 10),
        by=recruitment_head,
        reason="调岗但继续维护",
        keeps_maintaining=True,
    )

    run = run_q2()

    assert merchant_parts(run, merchant) == {recruiter.pk: D("300.00")}
    assert line_of(run, recruiter).bonus == D("3.60")  # avg 100 → 1.2 %
    assert not PayrollLine.objects.filter(run=run, staff=second_recruiter).exists()


def test_parts_of_many_handed_over_merchants_add_up_to_the_fen(recruiter, second_recruiter, recruitment_head):
    third = make_user("recruiter", username="recruiter_c", department=recruiter.staff_profile.department)
    days = [dt.date(2026, 4, 1), dt.date(2026, 4, 17), dt.date(2026, 5, 31), dt.date(2026, 6, 1), dt.date(2026, 6, 30)]
    merchants = []
    for index, day in enumerate(days):
        merchant = merchant_with_profits(
            recruiter, {"2026-04": f"{33 + index}.33", "2026-05": "0.01", "2026-06": "7.77"}
        )
        handover_record(
            merchant=merchant, successor=second_recruiter, effective_on=day, by=recruitment_head, reason="调岗"
        )
        merchants.append(merchant)
    # A second move of the same merchant inside the quarter: three people share it.
    handover_record(
        merchant=merchants[1], successor=third, effective_on=dt.date(2026, 6, 15), by=recruitment_head, reason="再调岗"
    )

    run = run_q2()

    for index, merchant in enumerate(merchants):
        parts = merchant_parts(run, merchant)
        assert sum(parts.values()) == D(f"{33 + index}.33") + D("0.01") + D("7.77"), merchant
    assert set(merchant_parts(run, merchants[1])) == {recruiter.pk, second_recruiter.pk, third.pk}
    # Each base is the sum of its merchant items; the bases add up to all the profit.
    bases = {}
    for line in PayrollLine.objects.filter(run=run):
        total = D(bonus_item(line).data["total"])
        assert total == sum(item.amount for item in items(line, ItemKind.BONUS_MERCHANT))
        bases[line.staff_id] = total
    assert sum(bases.values()) == sum(D(f"{33 + i}.33") + D("7.78") for i in range(5))


def test_a_handover_into_a_quarter_whose_bonus_is_final_is_refused(
    recruiter, second_recruiter, recruitment_head, general_manager
):
    from compensation.models import Handover
    from compensation.services.runs import payroll_run_finalize
    from workplace.exceptions import ApplicationError

    merchant = merchant_with_profits(recruiter, "100.00")
    payroll_run_finalize(run=run_q2(), by=general_manager)

    with pytest.raises(ApplicationError) as refused:
        handover_record(
            merchant=merchant,
            successor=second_recruiter,
            effective_on=dt.date(2026, 6, 30),
            by=recruitment_head,
            reason="调岗",
        )
    assert refused.value.field == "effective_on"
    assert "2026-06-30" in str(refused.value.message)
    assert not Handover.objects.exists()
    merchant.refresh_from_db()
    assert merchant.recruiter == recruiter

    # From the next quarter on it is recorded; the final quarter keeps its figures.
    handover_record(
        merchant=merchant,
        successor=second_recruiter,
        effective_on=dt.date(2026, 7, 1),
        by=recruitment_head,
        reason="调岗",
    )
    assert merchant_parts(run_q2(), merchant) == {recruiter.pk: D("300.00")}
