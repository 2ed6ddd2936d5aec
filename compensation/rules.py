"""The pay rules of SPEC.md §5, each one pure function of its inputs and the rule set in
force (``CompensationRuleSet``, or anything with the same attributes).

Money is ``Decimal``, rounded ROUND_HALF_UP to the fen at the end of each computation;
percentages are in percent ("1.20" = 1.2 %). Steps (``floor((avg − 50) ÷ 50)``, churn
points) are counted exactly on the unrounded quotient, so an average of 99.999 is one
step short of 100 whatever its display says.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def money(value) -> Decimal:
    """Round to the fen, half up (SPEC.md "Numbers")."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _steps(excess: Decimal, step: Decimal) -> int:
    """floor(excess ÷ step) for a non-negative excess, exactly."""
    if excess <= 0:
        return 0
    return int((excess / step).to_integral_value(rounding=ROUND_FLOOR))


# --- §5.1 monthly points -------------------------------------------------------------


def signing_points(merchant_class: str, rules) -> Decimal:
    """Points for one merchant signed in the month, by its class at signing (I +4, II +2,
    III +1); a merchant signed without a class counts nothing."""
    return {
        "I": rules.points_class_i,
        "II": rules.points_class_ii,
        "III": rules.points_class_iii,
    }.get(merchant_class, ZERO)


# --- §5.2 assessment pay ---------------------------------------------------------------


def assessment_pay(points, rules) -> Decimal:
    """Tiered, cumulative: P < 6 → −50 × (6 − P); 6 ≤ P ≤ 10 → 10 × (P − 6);
    P > 10 → 40 + 40 × (P − 10), where 40 = 10 × (10 − 6)."""
    points = Decimal(points)
    floor, ceiling = rules.points_floor, rules.points_ceiling
    if points < floor:
        return money(-rules.pay_below_per_point * (floor - points))
    if points <= ceiling:
        return money(rules.pay_mid_per_point * (points - floor))
    return money(rules.pay_mid_per_point * (ceiling - floor) + rules.pay_above_per_point * (points - ceiling))


# --- §5.3 POS shortfall ----------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def first_assessed_month(installed_on: dt.date, rules) -> dt.date:
    """The first month whose first day is on or after install date + 2 calendar months
    (installed 15 March → June; installed 1 March → May)."""
    due = add_months(installed_on, rules.pos_grace_months)
    if due.day == 1:
        return due
    return add_months(due.replace(day=1), 1)


def is_assessed(installed_on: dt.date, month: dt.date, rules) -> bool:
    """Whether a terminal installed on ``installed_on`` is assessed in ``month`` (its
    first day)."""
    return first_assessed_month(installed_on, rules) <= month


def pos_shortfall(profit, rules, *, pays_service_fee: bool, waived: bool) -> Decimal:
    """What the owning recruiter is charged for one assessed terminal-month, as a positive
    amount: 50 − profit when the profit is under 50, the merchant does not pay the service
    fee and no waiver is approved; otherwise nothing."""
    profit = Decimal(profit)
    if pays_service_fee or waived or profit >= rules.pos_min_profit:
        return money(ZERO)
    return money(rules.pos_min_profit - profit)


# --- §5.4 quarterly bonus --------------------------------------------------------------


@dataclass(frozen=True)
class QuarterlyBonus:
    average: Decimal  # rounded to the fen, for display
    churn: Decimal  # percent, rounded to 2 places, for display
    base_rate: Decimal  # percent, before the churn deduction
    churn_deduction: Decimal  # percent
    rate: Decimal  # percent
    bonus: Decimal


def churn_percent(terminated: int, owned: int) -> Decimal:
    """Merchants terminated in the quarter ÷ merchants owned at any time in it, percent."""
    if owned <= 0:
        return ZERO
    return Decimal(terminated) * HUNDRED / Decimal(owned)


def churn_deduction(terminated: int, owned: int, rules) -> Decimal:
    """Above 10 % churn the rate drops 0.2 % per full 10 points (20 % → 0.2, 30 % → 0.4);
    exactly 10 % or anything up to 19.99 % takes nothing."""
    if owned <= 0:
        return ZERO
    excess = churn_percent(terminated, owned) - rules.churn_free_percent
    return rules.churn_step_rate * _steps(excess, rules.churn_step_percent)


def quarterly_rate(average: Decimal, rules) -> Decimal:
    """1 % + 0.2 % × floor((avg − 50) ÷ 50), capped at 2 %; nothing when avg ≤ 50."""
    if average <= rules.bonus_average_threshold:
        return ZERO
    steps = _steps(average - rules.bonus_average_threshold, rules.bonus_step)
    return min(rules.bonus_rate_cap, rules.bonus_base_rate + rules.bonus_step_rate * steps)


def quarterly_bonus(total_profit, merchant_months: int, terminated: int, owned: int, rules) -> QuarterlyBonus:
    """The quarterly bonus of one recruiter: total × rate, where the rate comes from the
    average profit per merchant-month and drops with churn, never below 0."""
    total = Decimal(total_profit)
    average = total / Decimal(merchant_months) if merchant_months > 0 else ZERO
    base = quarterly_rate(average, rules)
    deduction = churn_deduction(terminated, owned, rules) if base > 0 else ZERO
    rate = max(ZERO, base - deduction)
    return QuarterlyBonus(
        average=money(average),
        churn=money(churn_percent(terminated, owned)),
        base_rate=base,
        churn_deduction=min(deduction, base),
        rate=rate,
        bonus=money(total * rate / HUNDRED),
    )


# --- §5.5 transfers ----------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverShares:
    leaver: Decimal
    successor: Decimal


def handover_shares(
    quarter_start: dt.date, quarter_end: dt.date, effective_on: dt.date, *, keeps_maintaining: bool
) -> HandoverShares:
    """The shares of a merchant's quarterly bonus in the quarter of its handover: the
    leaver has the days before ``effective_on`` alone and half of the days from it to
    the quarter's end, the successor the other half; a leaver who keeps maintaining the
    merchant keeps it all. A handover on the quarter's first day splits the whole quarter
    equally; on its last day, the leaver has all but half a day. The shares sum to 1."""
    if keeps_maintaining:
        return HandoverShares(leaver=Decimal(1), successor=ZERO)
    days = Decimal((quarter_end - quarter_start).days + 1)
    before = Decimal(max(0, min((effective_on - quarter_start).days, int(days))))
    after = days - before
    successor = after / 2 / days
    return HandoverShares(leaver=Decimal(1) - successor, successor=successor)


# --- §5.6 year-end pool ------------------------------------------------------------------


@dataclass(frozen=True)
class YearEndPoolFigures:
    average: Decimal
    rate: Decimal
    pool: Decimal


def pool_rate(average: Decimal, rules) -> Decimal:
    """0.5 % + 0.1 % × floor((avg − 50) ÷ 50), capped at 1.0 %; nothing when avg ≤ 50."""
    if average <= rules.pool_average_threshold:
        return ZERO
    steps = _steps(average - rules.pool_average_threshold, rules.pool_step)
    return min(rules.pool_rate_cap, rules.pool_base_rate + rules.pool_step_rate * steps)


def year_end_pool(year_profit, merchant_months: int, rules) -> YearEndPoolFigures:
    """The department's pool: total profit × rate, from the average monthly profit per
    merchant over the year."""
    total = Decimal(year_profit)
    average = total / Decimal(merchant_months) if merchant_months > 0 else ZERO
    rate = pool_rate(average, rules)
    return YearEndPoolFigures(average=money(average), rate=rate, pool=money(total * rate / HUNDRED))


def months_of_service(hire_date: dt.date | None, on: dt.date) -> int:
    """Whole months of service from ``hire_date`` to the end of ``on`` (hired 1 October,
    on 31 December → 3; hired 2 October → 2). Unknown hire date: long-serving."""
    if hire_date is None:
        return 10**6
    end = on + dt.timedelta(days=1)
    months = (end.year - hire_date.year) * 12 + end.month - hire_date.month
    if add_months(hire_date, months) > end:
        months -= 1
    return max(0, months)


def has_left(leave_date: dt.date | None, on: dt.date) -> bool:
    """Whether someone whose last working day is ``leave_date`` has left by ``on``: on
    their last day they are still in service, and a bonus paid that day is theirs."""
    return leave_date is not None and leave_date < on
