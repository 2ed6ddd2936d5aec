"""Settlement statements (SPEC.md §8, T+15): the rules, each a pure function named after it.

The settling job and the API build on these; each takes its rule parameters as arguments
(the dated ``SettlementRuleSet`` in force), so they are tested at their edges without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from workplace import calendar

SETTLEMENT_DAYS = 15
FEN = Decimal("0.01")
GRADE_A = "A"


def payable_on(day: dt.date) -> dt.date:
    """The statement of day T is payable on T + 15 calendar days, moved to the next working
    day when that is not one (weekends, National Day; the workplace calendar's 调休 included)."""
    due = day + dt.timedelta(days=SETTLEMENT_DAYS)
    while not calendar.is_working_day(due):
        due += dt.timedelta(days=1)
    return due


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - a month always has a 28th


def promotion_applies(*, signed_on: dt.date | None, day: dt.date, rules) -> bool:
    """The launch promotion: the merchant signed inside the window (first and last day
    included) and day T lies in its first ``promotion_months`` months after signing
    (from the signing day up to, not including, the same day ``months`` later)."""
    if signed_on is None:
        return False
    if not rules.promotion_window_from <= signed_on <= rules.promotion_window_to:
        return False
    return signed_on <= day < add_months(signed_on, rules.promotion_months)


def grade_a_discount(*, rate: Decimal, grade: str | None, rules) -> Decimal:
    """Grade A pays ``grade_a_discount`` less, relative (10.00 % -> 9.50 %); the rate is not rounded."""
    if grade == GRADE_A:
        return rate * (Decimal("1") - rules.grade_a_discount)
    return rate


def effective_rate(
    *, rate: Decimal, signed_on: dt.date | None, grade: str | None, day: dt.date, rules
) -> tuple[Decimal, bool, bool]:
    """The rate a day's amount pays: the prepaid rate in force, halved by the promotion when it
    applies, less grade A's discount. Returns (rate, promotion applied, discount applied)."""
    promotion = promotion_applies(signed_on=signed_on, day=day, rules=rules)
    result = rate * rules.promotion_factor if promotion else rate
    discounted = grade == GRADE_A
    result = grade_a_discount(rate=result, grade=grade, rules=rules)
    return result, promotion, discounted


def commission_of(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Commission of a statement: the sum over its lines of amount x the line's own rate
    (a rate change mid-period: each day at its own rate), rounded ONCE, half up to the fen."""
    total = sum((amount * rate for amount, rate in lines), Decimal("0"))
    return total.quantize(FEN, rounding=ROUND_HALF_UP)


def net_of(gross: Decimal, commission: Decimal) -> Decimal:
    return (gross - commission).quantize(FEN, rounding=ROUND_HALF_UP)
