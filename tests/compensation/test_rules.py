"""The pay rules of SPEC.md §5 (compensation/rules.py) at their edges: every worked example
and boundary, under the default rule set of migration 0003 and under a later set with
other numbers, which shows each rule reads its parameters rather than constants."""

import datetime as dt
from decimal import Decimal

import pytest

from compensation import rules
from compensation.models import CompensationRuleSet
from workplace.rules import in_force

pytestmark = pytest.mark.django_db

D = Decimal
LATER = dt.date(2027, 1, 1)
Q3_START, Q3_END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)  # 92 days


@pytest.fixture
def spec():
    """The rule set in force in 2026: the default set of migration 0003 (SPEC.md's numbers)."""
    return in_force(CompensationRuleSet, on=dt.date(2026, 6, 30))


@pytest.fixture
def later(spec):
    """A later rule set with other numbers for every rule."""
    CompensationRuleSet.objects.create(
        effective_from=LATER,
        points_class_i=D("5"),
        points_class_ii=D("3"),
        points_class_iii=D("1.5"),
        points_floor=D("5"),
        points_ceiling=D("12"),
        pay_below_per_point=D("30.00"),
        pay_mid_per_point=D("20.00"),
        pay_above_per_point=D("50.00"),
        pos_min_profit=D("80.00"),
        pos_grace_months=1,
        bonus_average_threshold=D("60.00"),
        bonus_base_rate=D("1.50"),
        bonus_step_rate=D("0.30"),
        bonus_step=D("40.00"),
        bonus_rate_cap=D("2.40"),
        churn_free_percent=D("5.00"),
        churn_step_percent=D("5.00"),
        churn_step_rate=D("0.50"),
        pool_average_threshold=D("40.00"),
        pool_base_rate=D("0.60"),
        pool_step_rate=D("0.20"),
        pool_step=D("30.00"),
        pool_rate_cap=D("1.50"),
    )
    rule_set = in_force(CompensationRuleSet, on=LATER)
    assert rule_set.effective_from == LATER
    return rule_set


def test_the_default_set_is_in_force_from_2000_and_holds_the_spec_numbers(spec):
    assert spec.effective_from == dt.date(2000, 1, 1)
    assert in_force(CompensationRuleSet, on=dt.date(2000, 1, 1)) == spec


def test_a_later_set_waits_for_its_day(spec, later):
    assert in_force(CompensationRuleSet, on=LATER - dt.timedelta(days=1)) == spec
    assert in_force(CompensationRuleSet, on=LATER) == later


# --- §5.1 signing points -----------------------------------------------------------------


@pytest.mark.parametrize(("merchant_class", "points"), [("I", "4"), ("II", "2"), ("III", "1"), ("", "0"), ("IV", "0")])
def test_signing_points_by_class(spec, merchant_class, points):
    assert rules.signing_points(merchant_class, spec) == D(points)


def test_signing_points_read_the_rule_set(later):
    assert [rules.signing_points(c, later) for c in ("I", "II", "III")] == [D("5"), D("3"), D("1.5")]


# --- §5.2 assessment pay -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "pay"),
    [
        # the worked examples of SPEC §5.2
        ("3", "-150.00"),
        ("5.5", "-25.00"),
        ("6", "0.00"),
        ("8.5", "25.00"),
        ("12", "120.00"),
        # the boundaries around 6 and 10
        ("5.99", "-0.50"),
        ("6.01", "0.10"),
        ("10", "40.00"),
        ("10.01", "40.40"),
        ("10.5", "60.00"),
        ("0", "-300.00"),
        ("-1", "-350.00"),
    ],
)
def test_assessment_pay(spec, points, pay):
    assert str(rules.assessment_pay(D(points), spec)) == pay


def test_assessment_pay_takes_numbers_and_strings(spec):
    assert rules.assessment_pay(12, spec) == rules.assessment_pay("12", spec) == D("120.00")


@pytest.mark.parametrize(
    ("points", "pay"),
    [
        ("3", "-60.00"),  # −30 × (5 − 3)
        ("5", "0.00"),
        ("6", "20.00"),  # 20 × (6 − 5), where the default set gives 0
        ("12", "140.00"),  # 20 × 7
        ("13", "190.00"),  # 140 + 50
    ],
)
def test_assessment_pay_reads_the_rule_set(later, points, pay):
    assert str(rules.assessment_pay(D(points), later)) == pay


def test_assessment_pay_rounds_a_half_fen_up(spec):
    spec.pay_mid_per_point = D("0.50")
    spec.pay_below_per_point = D("0.50")
    assert str(rules.assessment_pay(D("6.01"), spec)) == "0.01"  # 0.005
    assert str(rules.assessment_pay(D("6.03"), spec)) == "0.02"  # 0.015
    assert str(rules.assessment_pay(D("5.99"), spec)) == "-0.01"  # −0.005, away from zero


# --- §5.3 POS shortfall ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("installed_on", "first_month"),
    [
        (dt.date(2026, 3, 15), dt.date(2026, 6, 1)),  # SPEC's example
        (dt.date(2026, 3, 1), dt.date(2026, 5, 1)),  # SPEC's example
        (dt.date(2026, 3, 2), dt.date(2026, 6, 1)),
        (dt.date(2026, 2, 28), dt.date(2026, 5, 1)),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 1, 29), dt.date(2026, 4, 1)),  # 29 March
        (dt.date(2026, 1, 30), dt.date(2026, 4, 1)),  # 30 March
        (dt.date(2026, 1, 31), dt.date(2026, 4, 1)),  # 31 March
        (dt.date(2025, 11, 30), dt.date(2026, 2, 1)),  # 30 January: across the year
        (dt.date(2025, 12, 1), dt.date(2026, 2, 1)),
        (dt.date(2025, 12, 29), dt.date(2026, 3, 1)),  # 29 Feb 2026 does not exist: 28 Feb
        (dt.date(2025, 12, 31), dt.date(2026, 3, 1)),  # clamped to 28 February, not 3 March
        (dt.date(2027, 12, 29), dt.date(2028, 3, 1)),  # 29 Feb 2028, a leap year
        (dt.date(2027, 12, 31), dt.date(2028, 3, 1)),  # clamped to 29 February
    ],
)
def test_first_assessed_month(spec, installed_on, first_month):
    assert rules.first_assessed_month(installed_on, spec) == first_month


@pytest.mark.parametrize(
    ("installed_on", "first_month"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 3, 1)),  # + 1 month clamped to 28 February
        (dt.date(2026, 1, 28), dt.date(2026, 3, 1)),
        (dt.date(2028, 1, 29), dt.date(2028, 3, 1)),  # 29 February 2028
        (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 15), dt.date(2026, 5, 1)),
        (dt.date(2026, 12, 2), dt.date(2027, 2, 1)),
    ],
)
def test_first_assessed_month_reads_the_grace_months(later, installed_on, first_month):
    assert rules.first_assessed_month(installed_on, later) == first_month


def test_is_assessed_from_the_first_assessed_month_on(spec):
    installed = dt.date(2026, 3, 15)
    assessed = {m: rules.is_assessed(installed, dt.date(2026, m, 1), spec) for m in range(3, 9)}
    assert assessed == {3: False, 4: False, 5: False, 6: True, 7: True, 8: True}
    assert rules.is_assessed(dt.date(2026, 3, 1), dt.date(2026, 5, 1), spec)
    assert not rules.is_assessed(dt.date(2026, 3, 1), dt.date(2026, 4, 1), spec)


@pytest.mark.parametrize(
    ("day", "months", "moved"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 1, 31), 13, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 15)),
        (dt.date(2026, 5, 31), 0, dt.date(2026, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_last_day(day, months, moved):
    assert rules.add_months(day, months) == moved


@pytest.mark.parametrize(
    ("profit", "pays_fee", "waived", "charged"),
    [
        ("49.99", False, False, "0.01"),
        ("50", False, False, "0.00"),
        ("50.00", False, False, "0.00"),
        ("50.01", False, False, "0.00"),
        ("0", False, False, "50.00"),
        ("12.34", False, False, "37.66"),
        ("10", True, False, "0.00"),  # the merchant pays the service fee
        ("10", False, True, "0.00"),  # a waiver is approved
        ("0", True, True, "0.00"),
    ],
)
def test_pos_shortfall(spec, profit, pays_fee, waived, charged):
    assert str(rules.pos_shortfall(D(profit), spec, pays_service_fee=pays_fee, waived=waived)) == charged


def test_pos_shortfall_reads_the_minimum(later):
    assert rules.pos_shortfall(D("50"), later, pays_service_fee=False, waived=False) == D("30.00")
    assert rules.pos_shortfall(D("80"), later, pays_service_fee=False, waived=False) == D("0.00")
    assert rules.pos_shortfall(D("79.99"), later, pays_service_fee=False, waived=False) == D("0.01")


# --- §5.4 quarterly bonus -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "rate"),
    [
        ("0", "0"),
        ("49.99", "0"),
        ("50", "0"),  # not above 50: no bonus
        ("50.01", "1.00"),
        ("99.99", "1.00"),
        ("100", "1.20"),
        ("149.99", "1.20"),
        ("150", "1.40"),
        ("250", "1.80"),
        ("299.99", "1.80"),
        ("300", "2.00"),  # the cap reached
        ("350", "2.00"),  # and held
        ("100000", "2.00"),
    ],
)
def test_quarterly_rate(spec, average, rate):
    assert rules.quarterly_rate(D(average), spec) == D(rate)


def test_quarterly_rate_counts_steps_on_the_exact_average(spec):
    # 299.99 ÷ 3 = 99.99666…, shown as 100.00, is one step short of 100.
    figures = rules.quarterly_bonus(D("299.99"), 3, 0, 10, spec)
    assert (figures.average, figures.rate) == (D("100.00"), D("1.00"))


@pytest.mark.parametrize(
    ("average", "rate"),
    [("60", "0"), ("60.01", "1.50"), ("100", "1.80"), ("140", "2.10"), ("180", "2.40"), ("1000", "2.40")],
)
def test_quarterly_rate_reads_the_rule_set(later, average, rate):
    assert rules.quarterly_rate(D(average), later) == D(rate)


@pytest.mark.parametrize(
    ("terminated", "owned", "deduction"),
    [
        (0, 10, "0"),
        (1, 10, "0"),  # exactly 10 %: nothing
        (1, 9, "0"),  # 11.11 %
        (1999, 10000, "0"),  # 19.99 %
        (2, 10, "0.20"),  # exactly 20 %
        (2999, 10000, "0.20"),  # 29.99 %
        (3, 10, "0.40"),  # 30 %
        (10, 10, "1.80"),  # 100 %
        (0, 0, "0"),  # owned nothing
    ],
)
def test_churn_deduction(spec, terminated, owned, deduction):
    assert rules.churn_deduction(terminated, owned, spec) == D(deduction)


def test_churn_deduction_reads_the_rule_set(later):
    # free up to 5 %, 0.5 % per full 5 points above
    assert [rules.churn_deduction(t, 100, later) for t in (5, 9, 10, 15, 20)] == [
        D("0"),
        D("0"),
        D("0.50"),
        D("1.00"),
        D("1.50"),
    ]


@pytest.mark.parametrize(
    ("terminated", "owned", "churn"),
    [(0, 10, "0.00"), (1, 10, "10.00"), (1, 3, "33.33"), (2, 3, "66.67"), (1, 32, "3.13"), (0, 0, "0.00")],
)
def test_churn_percent_for_display(spec, terminated, owned, churn):
    assert str(rules.quarterly_bonus(D("0"), 1, terminated, owned, spec).churn) == churn


def test_quarterly_bonus_at_an_average_of_exactly_50_pays_nothing(spec):
    figures = rules.quarterly_bonus(D("1500.00"), 30, 0, 10, spec)
    assert figures == rules.QuarterlyBonus(
        average=D("50.00"), churn=D("0.00"), base_rate=D("0"), churn_deduction=D("0"), rate=D("0"), bonus=D("0.00")
    )
    assert str(figures.bonus) == "0.00"


def test_quarterly_bonus_at_an_average_of_exactly_100(spec):
    figures = rules.quarterly_bonus(D("3000.00"), 30, 1, 10, spec)  # churn exactly 10 %
    assert (figures.average, figures.churn, figures.base_rate, figures.churn_deduction, figures.rate) == (
        D("100.00"),
        D("10.00"),
        D("1.20"),
        D("0"),
        D("1.20"),
    )
    assert str(figures.bonus) == "36.00"


def test_quarterly_bonus_just_above_50(spec):
    figures = rules.quarterly_bonus(D("1500.30"), 30, 0, 10, spec)  # 50.01
    assert (figures.average, figures.rate, figures.bonus) == (D("50.01"), D("1.00"), D("15.00"))


def test_quarterly_bonus_at_the_2_percent_cap(spec):
    at = rules.quarterly_bonus(D("9000.00"), 30, 0, 10, spec)  # 300
    above = rules.quarterly_bonus(D("30000.00"), 30, 0, 10, spec)  # 1000
    assert (at.rate, at.bonus) == (D("2.00"), D("180.00"))
    assert (above.rate, above.bonus) == (D("2.00"), D("600.00"))


def test_quarterly_bonus_with_churn_of_20_and_30_percent(spec):
    twenty = rules.quarterly_bonus(D("3000.00"), 30, 2, 10, spec)
    thirty = rules.quarterly_bonus(D("3000.00"), 30, 3, 10, spec)
    just_under = rules.quarterly_bonus(D("3000.00"), 30, 1999, 10000, spec)
    assert (twenty.churn, twenty.churn_deduction, twenty.rate, twenty.bonus) == (
        D("20.00"),
        D("0.20"),
        D("1.00"),
        D("30.00"),
    )
    assert (thirty.churn, thirty.churn_deduction, thirty.rate, thirty.bonus) == (
        D("30.00"),
        D("0.40"),
        D("0.80"),
        D("24.00"),
    )
    assert (just_under.churn, just_under.churn_deduction, just_under.rate) == (D("19.99"), D("0"), D("1.20"))


def test_a_churn_deduction_larger_than_the_rate_leaves_nothing_never_less(spec):
    figures = rules.quarterly_bonus(D("1800.00"), 30, 10, 10, spec)  # avg 60 → 1 %; churn 100 % → −1.8 %
    assert (figures.base_rate, figures.churn_deduction, figures.rate, figures.bonus) == (
        D("1.00"),
        D("1.00"),
        D("0"),
        D("0.00"),
    )
    assert figures.bonus >= 0


def test_churn_takes_nothing_when_there_is_no_bonus(spec):
    figures = rules.quarterly_bonus(D("1000.00"), 30, 5, 10, spec)  # avg 33.33
    assert (figures.churn, figures.churn_deduction, figures.rate, figures.bonus) == (
        D("50.00"),
        D("0"),
        D("0"),
        D("0.00"),
    )


def test_quarterly_bonus_without_merchant_months_has_an_average_of_0(spec):
    figures = rules.quarterly_bonus(D("0"), 0, 0, 0, spec)
    assert (figures.average, figures.rate, figures.bonus) == (D("0.00"), D("0"), D("0.00"))


def test_quarterly_bonus_rounds_a_half_fen_up(spec):
    # 1000.50 × 1 % = 10.005 (average 66.70): half up gives 10.01 where half-even gives 10.00.
    assert str(rules.quarterly_bonus(D("1000.50"), 15, 0, 5, spec).bonus) == "10.01"
    # 1001.25 × 1 % = 10.0125 → 10.01
    assert str(rules.quarterly_bonus(D("1001.25"), 15, 0, 5, spec).bonus) == "10.01"


def test_quarterly_bonus_reads_the_rule_set(later):
    figures = rules.quarterly_bonus(D("3000.00"), 30, 1, 10, later)  # avg 100, churn 10 %
    # 1.5 + 0.3 × floor(40 ÷ 40) = 1.8; churn 10 % is one full 5 points above 5 %: −0.5
    assert (figures.base_rate, figures.churn_deduction, figures.rate, figures.bonus) == (
        D("1.80"),
        D("0.50"),
        D("1.30"),
        D("39.00"),
    )


# --- §5.5 transfers ----------------------------------------------------------------------


def test_a_handover_on_the_first_day_splits_the_quarter_equally():
    shares = rules.handover_shares(Q3_START, Q3_END, Q3_START, keeps_maintaining=False)
    assert shares == rules.HandoverShares(leaver=D("0.5"), successor=D("0.5"))


def test_a_handover_on_the_last_day_leaves_the_successor_half_a_day():
    shares = rules.handover_shares(Q3_START, Q3_END, Q3_END, keeps_maintaining=False)
    assert shares.successor == D(1) / D(184)  # half of 1 day out of 92
    assert shares.leaver + shares.successor == 1
    # a bonus of 184.00 shared: 183.00 and 1.00
    assert (rules.money(D("184.00") * shares.leaver), rules.money(D("184.00") * shares.successor)) == (
        D("183.00"),
        D("1.00"),
    )


def test_a_handover_mid_quarter_is_pro_rata_then_halved():
    # 15 August: 45 days (July, 1–14 August) the leaver's alone; 47 days from it split.
    shares = rules.handover_shares(Q3_START, Q3_END, dt.date(2026, 8, 15), keeps_maintaining=False)
    assert shares.successor == D(47) / D(184)
    assert (rules.money(D("184.00") * shares.leaver), rules.money(D("184.00") * shares.successor)) == (
        D("137.00"),
        D("47.00"),
    )


@pytest.mark.parametrize("day", [Q3_START, dt.date(2026, 8, 15), Q3_END])
def test_a_leaver_who_keeps_maintaining_keeps_it_all(day):
    shares = rules.handover_shares(Q3_START, Q3_END, day, keeps_maintaining=True)
    assert shares == rules.HandoverShares(leaver=D(1), successor=D(0))


@pytest.mark.parametrize(
    ("start", "end"),
    [(Q3_START, Q3_END), (dt.date(2028, 1, 1), dt.date(2028, 3, 31)), (dt.date(2026, 1, 1), dt.date(2026, 3, 31))],
)
def test_handover_shares_sum_to_1_on_every_day_of_a_quarter(start, end):
    day, previous = start, None
    while day <= end:
        shares = rules.handover_shares(start, end, day, keeps_maintaining=False)
        assert shares.leaver + shares.successor == 1
        assert 0 < shares.successor <= D("0.5") <= shares.leaver < 1
        if previous is not None:
            assert shares.successor < previous  # the later the move, the less for the successor
        previous = shares.successor
        day += dt.timedelta(days=1)


# --- §5.6 year-end pool ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "rate"),
    [
        ("50", "0"),
        ("50.01", "0.50"),
        ("99.99", "0.50"),
        ("100", "0.60"),
        ("250", "0.90"),
        ("299.99", "0.90"),
        ("300", "1.00"),  # the cap
        ("1000", "1.00"),
    ],
)
def test_pool_rate(spec, average, rate):
    assert rules.pool_rate(D(average), spec) == D(rate)


def test_year_end_pool_at_an_average_of_exactly_50_is_none(spec):
    assert rules.year_end_pool(D("6000.00"), 120, spec) == rules.YearEndPoolFigures(
        average=D("50.00"), rate=D("0"), pool=D("0.00")
    )


def test_year_end_pool_at_an_average_of_exactly_100(spec):
    figures = rules.year_end_pool(D("12000.00"), 120, spec)
    assert (figures.average, figures.rate, str(figures.pool)) == (D("100.00"), D("0.60"), "72.00")


def test_year_end_pool_at_the_1_percent_cap(spec):
    at = rules.year_end_pool(D("36000.00"), 120, spec)  # 300
    above = rules.year_end_pool(D("120000.00"), 120, spec)  # 1000
    assert (at.rate, at.pool) == (D("1.00"), D("360.00"))
    assert (above.rate, above.pool) == (D("1.00"), D("1200.00"))


def test_year_end_pool_without_merchant_months(spec):
    assert rules.year_end_pool(D("0"), 0, spec).pool == D("0.00")


def test_year_end_pool_rounds_a_half_fen_up(spec):
    # 1001.00 × 0.5 % = 5.005 (average 66.73)
    assert str(rules.year_end_pool(D("1001.00"), 15, spec).pool) == "5.01"


def test_year_end_pool_reads_the_rule_set(later):
    # threshold 40, 0.6 % + 0.2 % per 30, capped at 1.5 %
    assert [rules.pool_rate(D(a), later) for a in ("40", "40.01", "70", "100", "130", "500")] == [
        D("0"),
        D("0.60"),
        D("0.80"),
        D("1.00"),
        D("1.20"),
        D("1.50"),
    ]
    assert rules.year_end_pool(D("12000.00"), 120, later).pool == D("120.00")  # 1 %


# --- leavers and managers under 3 months' service -------------------------------------------


@pytest.mark.parametrize(
    ("hired", "on", "months"),
    [
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), 3),  # docstring: 3 whole months
        (dt.date(2026, 10, 2), dt.date(2026, 12, 31), 2),
        (dt.date(2026, 9, 30), dt.date(2026, 12, 31), 3),
        (dt.date(2025, 12, 31), dt.date(2026, 12, 31), 12),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 12),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31), 0),  # hired on the day
        (dt.date(2027, 1, 5), dt.date(2026, 12, 31), 0),  # hired after
        (dt.date(2026, 1, 31), dt.date(2026, 4, 29), 3),  # 31 Jan + 3 months = 30 April (clamped)
        (dt.date(2026, 1, 31), dt.date(2026, 4, 28), 2),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 27), 1),  # + 1 month = 28 February
        (dt.date(2026, 1, 31), dt.date(2026, 2, 26), 0),
    ],
)
def test_months_of_service(hired, on, months):
    assert rules.months_of_service(hired, on) == months


def test_an_unknown_hire_date_counts_as_long_serving(spec):
    assert rules.months_of_service(None, dt.date(2026, 12, 31)) >= spec.min_service_months


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("10.125", "10.13"), ("-0.005", "-0.01"), ("2", "2.00")],
)
def test_money_rounds_half_up_to_the_fen(value, rounded):
    assert str(rules.money(D(value))) == rounded


def test_someone_is_in_service_on_their_last_day():
    from compensation.rules import has_left

    last_day = dt.date(2026, 7, 1)
    assert not has_left(last_day, dt.date(2026, 7, 1))  # a bonus paid on the last day is theirs
    assert has_left(last_day, dt.date(2026, 7, 2))
    assert not has_left(None, dt.date(2026, 7, 2))
