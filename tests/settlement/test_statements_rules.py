"""The settlement rules at their edges (SPEC.md §8): T+15, the promotion's window, grade A, rounding."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from settlement.services import statements

D = dt.date
RULES = SimpleNamespace(
    promotion_window_from=D(2026, 1, 1),
    promotion_window_to=D(2026, 6, 30),
    promotion_months=3,
    promotion_factor=Decimal("0.5"),
    grade_a_discount=Decimal("0.05"),
)

pytestmark = pytest.mark.django_db


def test_payable_on_a_working_day_is_t_plus_15():
    assert statements.payable_on(D(2026, 11, 2)) == D(2026, 11, 17)  # Tuesday


def test_payable_on_a_weekend_moves_to_monday():
    assert statements.payable_on(D(2026, 11, 20)) == D(2026, 12, 7)  # T+15 is Saturday 5 Dec


def test_payable_on_national_day_moves_past_the_holiday():
    assert statements.payable_on(D(2026, 9, 16)) == D(2026, 10, 8)  # T+15 is 1 Oct


def test_payable_on_a_makeup_saturday_stays():
    assert statements.payable_on(D(2026, 9, 25)) == D(2026, 10, 10)  # 调休 Saturday is a working day


def test_promotion_first_and_last_day_of_the_window():
    assert statements.promotion_applies(signed_on=D(2026, 1, 1), day=D(2026, 1, 1), rules=RULES)
    assert statements.promotion_applies(signed_on=D(2026, 6, 30), day=D(2026, 9, 29), rules=RULES)


def test_promotion_outside_the_window():
    assert not statements.promotion_applies(signed_on=D(2025, 12, 31), day=D(2026, 1, 5), rules=RULES)
    assert not statements.promotion_applies(signed_on=D(2026, 7, 1), day=D(2026, 7, 5), rules=RULES)
    assert not statements.promotion_applies(signed_on=None, day=D(2026, 7, 5), rules=RULES)


def test_promotion_ends_after_three_months():
    assert statements.promotion_applies(signed_on=D(2026, 3, 10), day=D(2026, 6, 9), rules=RULES)
    assert not statements.promotion_applies(signed_on=D(2026, 3, 10), day=D(2026, 6, 10), rules=RULES)
    assert not statements.promotion_applies(signed_on=D(2026, 3, 10), day=D(2026, 3, 9), rules=RULES)


def test_promotion_from_a_month_end_signing():
    assert statements.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert statements.promotion_applies(signed_on=D(2026, 5, 31), day=D(2026, 8, 30), rules=RULES)
    assert not statements.promotion_applies(signed_on=D(2026, 5, 31), day=D(2026, 8, 31), rules=RULES)


def test_grade_a_discount_is_relative():
    assert statements.grade_a_discount(rate=Decimal("0.10"), grade="A", rules=RULES) == Decimal("0.0950")
    assert statements.grade_a_discount(rate=Decimal("0.10"), grade="B", rules=RULES) == Decimal("0.10")
    assert statements.grade_a_discount(rate=Decimal("0.10"), grade=None, rules=RULES) == Decimal("0.10")


def test_effective_rate_promotion_and_grade_a_together():
    rate, promotion, discount = statements.effective_rate(
        rate=Decimal("0.10"), signed_on=D(2026, 2, 1), grade="A", day=D(2026, 2, 15), rules=RULES
    )
    assert (rate, promotion, discount) == (Decimal("0.0475"), True, True)


def test_commission_rounded_once_half_up_at_the_half_fen():
    # two lines of 0.025 each: rounded per line they would give 0.06, once 0.05
    assert statements.commission_of([(Decimal("0.25"), Decimal("0.10")), (Decimal("0.25"), Decimal("0.10"))]) == (
        Decimal("0.05")
    )
    assert statements.commission_of([(Decimal("0.05"), Decimal("0.10"))]) == Decimal("0.01")  # 0.005 -> 0.01
    assert statements.commission_of([(Decimal("0.04"), Decimal("0.10"))]) == Decimal("0.00")  # 0.004 -> 0.00


def test_rate_change_mid_period_each_day_at_its_own_rate():
    lines = [(Decimal("1000.00"), Decimal("0.10")), (Decimal("1000.00"), Decimal("0.08"))]
    assert statements.commission_of(lines) == Decimal("180.00")
    assert statements.net_of(Decimal("2000.00"), Decimal("180.00")) == Decimal("1820.00")
