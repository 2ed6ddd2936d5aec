"""The settle job's rates (SPEC.md §8): each day at the rate in force on it (the agreed
prepaid rate with its effective date, else the category standard), the launch promotion's
first and last day, grade A's discount, the exact promotion × grade A rate (migration
0005), T+15 over a weekend and National Day, and a run's queries not growing with
merchants × days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions.services import rate_request_create
from settlement.models import CardTransaction, CreditRating, CreditRuleSet, Statement, StatementLine
from settlement.services import settling, statements
from tests.factories.settlement import signed_merchant

pytestmark = pytest.mark.django_db

D = dt.date
_refs = {"n": 0}


def _tx(merchant, day, amount):
    _refs["n"] += 1
    return CardTransaction.objects.create(
        merchant=merchant, date=day, amount=Decimal(amount), reference=f"rates-{merchant.pk}-{_refs['n']}"
    )


def _signed(recruiter, on: dt.date, category="life_services"):
    """A merchant of ``recruiter`` (standard 10.00 %) signed at 10:00 Shanghai on ``on``."""
    return signed_merchant(
        recruiter=recruiter, category=category, signed_at=dt.datetime(on.year, on.month, on.day, 2, tzinfo=dt.UTC)
    )


def _agree(merchant, recruiter, rate: str, effective_from: dt.date):
    """An agreed prepaid rate within the recruiter's own authority, from ``effective_from``."""
    rate_request_create(
        user=recruiter,
        merchant=merchant,
        reason="长期合作",
        proposed_rate=Decimal(rate),
        effective_from=effective_from,
    )


def _grade(merchant, grade: str, as_of: dt.date):
    CreditRating.objects.create(
        merchant=merchant,
        as_of=as_of,
        score={"A": 92, "B": 80}.get(grade, 70),
        grade=grade,
        rule_set=CreditRuleSet.objects.get(effective_from=D(2000, 1, 1)),
        computed_at=timezone.now(),
    )


def _statement(merchant, day):
    return Statement.objects.get(merchant=merchant, period_start=day)


def _rates(statement):
    return [(line.kind, line.day, line.rate) for line in statement.lines.order_by("day", "id")]


# --- the migration: rates kept exactly -------------------------------------------------


def test_a_promotion_times_grade_a_rate_is_stored_exactly(recruiter):
    for model in (Statement, StatementLine):
        field = model._meta.get_field("rate")
        assert (field.max_digits, field.decimal_places) == (14, 10)
    merchant = _signed(recruiter, D(2026, 6, 30))
    _tx(merchant, D(2026, 9, 10), "1.00")
    settling.settle(through=D(2026, 9, 10))
    line = StatementLine.objects.get()
    StatementLine.objects.filter(pk=line.pk).update(rate=Decimal("3.11125"))  # 6.55 × 0.5 × 0.95
    line.refresh_from_db()
    assert line.rate == Decimal("3.11125")


def test_the_job_keeps_the_promotion_and_grade_a_rate_unrounded(recruiter):
    merchant = _signed(recruiter, D(2026, 6, 30))  # the window's last day: promotion until 29 Sep
    _agree(merchant, recruiter, "9.05", D(2026, 9, 25))
    _grade(merchant, "A", D(2026, 9, 1))
    _tx(merchant, D(2026, 9, 25), "100000.00")
    settling.settle(through=D(2026, 9, 25))
    statement = _statement(merchant, D(2026, 9, 25))
    assert statement.rate == Decimal("4.29875")  # 9.05 × 0.5 × 0.95, not 4.2988
    assert (statement.promotion_applied, statement.discount_applied) == (True, True)
    assert (statement.commission, statement.net) == (Decimal("4298.75"), Decimal("95701.25"))  # not 4298.80


# --- a rate change in the middle of a period -------------------------------------------


def test_each_day_is_charged_at_the_rate_in_force_on_it(recruiter):
    merchant = _signed(recruiter, D(2026, 8, 1))  # outside the promotion's window
    _agree(merchant, recruiter, "9.00", D(2026, 9, 25))
    _agree(merchant, recruiter, "8.50", D(2026, 9, 28))
    for day in (24, 25, 27, 28):
        _tx(merchant, D(2026, 9, day), "1000.00")
    settling.settle(through=D(2026, 9, 28))
    assert [
        (_statement(merchant, D(2026, 9, day)).rate, _statement(merchant, D(2026, 9, day)).commission)
        for day in (24, 25, 27, 28)
    ] == [
        (Decimal("10"), Decimal("100.00")),  # the category standard
        (Decimal("9"), Decimal("90.00")),  # the first agreed rate, from its first day
        (Decimal("9"), Decimal("90.00")),
        (Decimal("8.5"), Decimal("85.00")),  # the second agreed rate
    ]
    # A late transaction of the 24th lands on the 29th's statement at the 24th's rate.
    _tx(merchant, D(2026, 9, 24), "500.00")
    _tx(merchant, D(2026, 9, 29), "1000.00")
    settling.settle(through=D(2026, 9, 29))
    later = _statement(merchant, D(2026, 9, 29))
    assert _rates(later) == [
        ("late_correction", D(2026, 9, 24), Decimal("10")),
        ("transaction", D(2026, 9, 29), Decimal("8.5")),
    ]
    assert (later.gross, later.commission, later.net) == (Decimal("1500.00"), Decimal("135.00"), Decimal("1365.00"))


# --- the launch promotion's first and last day ------------------------------------------


def test_the_promotion_from_its_first_to_its_last_day_in_the_job(recruiter):
    window_first = _signed(recruiter, D(2026, 1, 1))
    window_last = _signed(recruiter, D(2026, 6, 30))
    before = _signed(recruiter, D(2025, 12, 31))
    after = _signed(recruiter, D(2026, 7, 1))
    cases = [
        (window_first, D(2026, 1, 1), Decimal("5"), True),  # signing day, window's first day
        (window_first, D(2026, 3, 31), Decimal("5"), True),  # last day of its three months
        (window_first, D(2026, 4, 1), Decimal("10"), False),
        (window_last, D(2026, 6, 30), Decimal("5"), True),  # window's last day
        (window_last, D(2026, 9, 29), Decimal("5"), True),
        (window_last, D(2026, 9, 30), Decimal("10"), False),
        (before, D(2026, 1, 5), Decimal("10"), False),
        (after, D(2026, 7, 1), Decimal("10"), False),
    ]
    for merchant, day, _rate, _promoted in cases:
        _tx(merchant, day, "200.00")
    settling.settle(through=D(2026, 9, 30))
    for merchant, day, rate, promoted in cases:
        statement = _statement(merchant, day)
        assert (statement.rate, statement.promotion_applied, statement.commission) == (
            rate,
            promoted,
            Decimal("200.00") * rate / 100,
        ), (merchant.signed_at, day)


# --- grade A in the job -----------------------------------------------------------------


def test_grade_a_pays_five_percent_less_from_the_rating_in_force_on_each_day(recruiter):
    merchant = _signed(recruiter, D(2026, 8, 1))
    _grade(merchant, "A", D(2026, 9, 1))
    _grade(merchant, "B", D(2026, 10, 1))
    for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 1)):
        _tx(merchant, day, "1000.00")
    settling.settle(through=D(2026, 10, 1))
    assert [
        (
            _statement(merchant, day).rate,
            _statement(merchant, day).discount_applied,
            _statement(merchant, day).commission,
        )
        for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 1))
    ] == [
        (Decimal("10"), False, Decimal("100.00")),  # not rated yet
        (Decimal("9.5"), True, Decimal("95.00")),
        (Decimal("9.5"), True, Decimal("95.00")),
        (Decimal("10"), False, Decimal("100.00")),  # graded B from October
    ]


# --- T+15 in the job --------------------------------------------------------------------


def test_t_plus_15_on_a_weekend_and_on_national_day_moves_to_the_next_working_day(recruiter):
    merchant = _signed(recruiter, D(2026, 8, 1))
    for day in (D(2026, 9, 16), D(2026, 11, 2), D(2026, 11, 20)):
        _tx(merchant, day, "1.00")
    settling.settle(through=D(2026, 11, 20))
    assert [_statement(merchant, day).payable_on for day in (D(2026, 9, 16), D(2026, 11, 2), D(2026, 11, 20))] == [
        D(2026, 10, 8),  # T+15 is 1 October: after the National Day holiday
        D(2026, 11, 17),  # a working day: T+15 itself
        D(2026, 12, 7),  # T+15 is Saturday 5 December: the Monday
    ]


# --- queries ----------------------------------------------------------------------------


def test_a_run_takes_the_same_queries_whatever_the_merchants_and_days(recruiter, queries):
    from commissions.models import CommissionStandard
    from settlement.models import SettlementRuleSet
    from workplace.rules import rows

    rows(CommissionStandard), rows(SettlementRuleSet)  # the dated-rule and calendar caches, warm
    statements.payable_on(D(2026, 9, 1))
    made = {"n": 0}

    def merchant_with_days(days: int):
        made["n"] += 1
        merchant = _signed(recruiter, D(2026, 3, 1))
        _grade(merchant, "A" if made["n"] % 2 else "B", D(2026, 8, 1))
        if made["n"] % 2:
            _agree(merchant, recruiter, "9.00", D(2026, 9, 20))
        for offset in range(days):
            _tx(merchant, D(2026, 8, 1) + dt.timedelta(days=offset * 7), "100.00")

    merchant_with_days(1)

    def grow():
        merchant_with_days(8)

    def run():
        settling.settle(through=D(2026, 9, 30))

    # 3 reads of what is due, the statements on file, the merchants, their agreed rates,
    # their ratings; 2 inserts, the figures' update, the 2 closing updates; 2 savepoints.
    queries.assert_constant(run, grow, expected=14)
    assert Statement.objects.count() == 1 + 3 * 8


def test_a_late_lines_statement_day_takes_its_own_grade_and_the_line_its_days(recruiter):
    merchant = _signed(recruiter, D(2026, 8, 1))
    _tx(merchant, D(2026, 9, 10), "100.00")
    settling.settle(through=D(2026, 9, 10))
    _grade(merchant, "A", D(2026, 9, 20))
    _tx(merchant, D(2026, 9, 10), "1000.00")  # late: onto the statement of the run's day
    settling.settle(through=D(2026, 9, 25))
    later = _statement(merchant, D(2026, 9, 25))
    assert (later.rate, later.discount_applied) == (Decimal("9.5"), True)  # graded A by the 25th
    assert _rates(later) == [("late_correction", D(2026, 9, 10), Decimal("10"))]  # the 10th: not yet
    assert later.commission == Decimal("100.00")
