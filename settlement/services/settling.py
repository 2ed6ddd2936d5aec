"""Settling (结算, SPEC.md §8): the statement of day T per merchant, built from its card
transactions, then closed by the daily job.

One statement per merchant and day (``period_start == period_end == T``). It is ``open``
while its day can still receive transactions, and ``payable`` once the daily job closes it
(figures frozen: a payable, paid or held statement never changes). What reaches a closed
day afterwards goes onto the merchant's next open statement:

* a transaction of a closed day: a ``late_correction`` line, at the rate of its own day;
* a dispute (an amount of a day, held out of that day's statement): a ``dispute_hold``
  line of minus the amount, at the rate of the disputed day; its closing: a
  ``dispute_release`` line of the amount, at the same rate, on the statement of the day it
  closes.

Rates: a line's rate is the merchant's agreed prepaid rate in force on the line's day,
else its category's standard, halved by the launch promotion when it applies, less grade A's
discount (``statements.effective_rate``). Rates are kept in percent, as the commissions app
keeps them (``10.0000`` is 10 %), exactly (10 places: a promotion × grade A rate such as
3.11125 % is not rounded). Commission is rounded ONCE per statement: the sum over its lines
of amount x rate / 100, half up to the fen (one UPDATE in SQL over the lines).

No rate in force (**Decision**, issue 11): when a line's day has neither an agreed prepaid
rate nor a category standard, the line is kept without a rate and its statement is closed
``held`` (``held_for = no_rate``) instead of payable — never settled at 0 %, which would pay
the merchant the commission the alliance is owed, nor at a guessed rate. Finance sees the
reason; once an admin enters the missing standard (a dated row), finance releases the
statement (``payouts.statement_release``): its unpriced lines take the rate in force on
their day, its figures are completed, and it becomes payable. Releasing while there is
still no rate is refused (409). A statement held this way was never payable, so completing
its figures does not break "a payable statement never changes".

A run (``settle``) takes a bounded number of queries, whatever the number of merchants:
each step is one query over every merchant at once (bulk inserts, one aggregate update),
and the grades of every day settled come from one query of the ratings in force over them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from commissions.models import CommissionStandard, MerchantRate, RequestKind
from merchants.models import Merchant
from workplace.calendar import SHANGHAI
from workplace.rules import rows

from ..models import (
    RATE_DECIMALS,
    CardTransaction,
    CreditRating,
    HoldReason,
    LineKind,
    SettlementDispute,
    SettlementRuleSet,
    Statement,
    StatementLine,
    StatementStatus,
)
from . import statements

# Rates are kept exactly (see ``models.RATE_DECIMALS``): quantizing to 10 places changes
# nothing for rates built from the rule tables' precisions.
RATE_PLACES = Decimal(1).scaleb(-RATE_DECIMALS)
CLOSED = (StatementStatus.PAYABLE, StatementStatus.PAID, StatementStatus.HELD)


@dataclass(frozen=True)
class SettleResult:
    lines: int
    statements_touched: int
    closed: int


@dataclass(frozen=True)
class DayRate:
    rate: Decimal | None  # None: no agreed rate and no category standard in force
    base: Decimal | None
    promotion: bool
    discount: bool
    rule_set: SettlementRuleSet | None


class RateBook:
    """The rates of a set of merchants on any day, from three queries made once: the
    merchants (category, signing day), their agreed prepaid rates, and their credit
    ratings over the days asked (one query, whatever the number of days); the standards
    and rule sets come from the dated-rule cache."""

    def __init__(self, merchant_ids, *, days=None):
        ids = sorted(set(merchant_ids))
        days = list(days or ())
        self._span = (min(days), max(days)) if days else None
        self.merchants = {
            merchant.pk: merchant
            for merchant in Merchant.objects.filter(pk__in=ids).only("pk", "category", "signed_at").order_by()
        }
        self.agreed: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for merchant_id, effective_from, rate in (
            MerchantRate.objects.filter(merchant_id__in=ids, kind=RequestKind.PREPAID)
            .order_by("merchant_id", "-effective_from", "-id")
            .values_list("merchant_id", "effective_from", "rate")
        ):
            self.agreed[merchant_id].append((effective_from, rate))
        self.standards = rows(CommissionStandard)
        self.rule_sets = rows(SettlementRuleSet)
        self._ratings: dict[int, tuple[list[dt.date], list[str]]] | None = None
        self._ids = ids
        self._cache: dict[tuple[int, dt.date], DayRate] = {}

    def _load_ratings(self) -> dict[int, tuple[list[dt.date], list[str]]]:
        """Each merchant's ratings (as_of ascending, grades) from the one in force on the
        first day asked to the last day asked (every rating when no days were given)."""
        queryset = CreditRating.objects.filter(merchant_id__in=self._ids)
        if self._span is not None:
            first, last = self._span
            in_force_on_first = (
                CreditRating.objects.filter(merchant_id=OuterRef("merchant_id"), as_of__lte=first)
                .order_by("-as_of")
                .values("as_of")[:1]
            )
            queryset = queryset.filter(as_of__lte=last).filter(
                Q(as_of__gte=Subquery(in_force_on_first)) | Q(as_of__gt=first)
            )
        ratings: dict[int, tuple[list[dt.date], list[str]]] = {}
        for merchant_id, as_of, grade in queryset.order_by("merchant_id", "as_of").values_list(
            "merchant_id", "as_of", "grade"
        ):
            days, grades = ratings.setdefault(merchant_id, ([], []))
            days.append(as_of)
            grades.append(grade)
        return ratings

    def grade(self, merchant_id: int, day: dt.date) -> str | None:
        """The grade of the merchant's latest rating dated on or before ``day`` (as
        ``credit.grades_on``), or None."""
        if self._ratings is None:
            self._ratings = self._load_ratings()
        found = self._ratings.get(merchant_id)
        if found is None:
            return None
        index = bisect_right(found[0], day)
        return found[1][index - 1] if index else None

    def base_rate(self, merchant_id: int, day: dt.date) -> Decimal | None:
        for effective_from, rate in self.agreed.get(merchant_id, ()):
            if effective_from <= day:
                return rate
        merchant = self.merchants.get(merchant_id)
        if merchant is None:
            return None
        for standard in self.standards:
            if standard.category == merchant.category and standard.effective_from <= day:
                return standard.prepaid_commission
        return None

    def rule_set(self, day: dt.date) -> SettlementRuleSet | None:
        for rule_set in self.rule_sets:
            if rule_set.effective_from <= day:
                return rule_set
        return None

    def rate(self, merchant_id: int, day: dt.date) -> DayRate:
        key = (merchant_id, day)
        if key in self._cache:
            return self._cache[key]
        base = self.base_rate(merchant_id, day)
        rules = self.rule_set(day)
        if base is None:
            result = DayRate(None, None, False, False, rules)
        elif rules is None:
            result = DayRate(base.quantize(RATE_PLACES), base, False, False, None)
        else:
            merchant = self.merchants[merchant_id]
            signed_on = merchant.signed_at.astimezone(SHANGHAI).date() if merchant.signed_at else None
            rate, promotion, discount = statements.effective_rate(
                rate=base, signed_on=signed_on, grade=self.grade(merchant_id, day), day=day, rules=rules
            )
            result = DayRate(rate.quantize(RATE_PLACES), base, promotion, discount, rules)
        self._cache[key] = result
        return result


def default_through(now: dt.datetime | None = None) -> dt.date:
    """The last day the daily job closes: yesterday in Shanghai."""
    now = now or timezone.now()
    return now.astimezone(SHANGHAI).date() - dt.timedelta(days=1)


def settle(*, through: dt.date, close: bool = True, merchant_ids=None, now: dt.datetime | None = None) -> SettleResult:
    """Build every line due on or before ``through`` (transactions not yet on a statement,
    disputes not yet held or released), refresh the open statements' figures, and (``close``)
    make the open statements of days up to ``through`` payable. Idempotent: a second run
    finds nothing to add; a missed day is caught up (every earlier day is included).

    A merchant with no agreed rate and no category standard on a line's day is not settled
    at 0 %: the line keeps no rate and its statement closes ``held`` for ``no_rate`` (see the
    module's "No rate in force"); finance releases it once an admin has entered the rate."""
    now = now or timezone.now()
    with transaction.atomic():
        return _settle(through=through, close=close, merchant_ids=merchant_ids, now=now)


def _settle(*, through, close, merchant_ids, now) -> SettleResult:
    merchant_filter = Q() if merchant_ids is None else Q(merchant_id__in=list(merchant_ids))

    # 1. What is due: unlined transactions, disputes to hold, disputes to release (3 queries).
    pending_tx = list(
        CardTransaction.objects.filter(merchant_filter, date__lte=through, statementline__isnull=True)
        .order_by("merchant_id", "date", "id")
        .values_list("pk", "merchant_id", "date", "amount")
    )
    to_hold = list(
        SettlementDispute.objects.filter(merchant_filter, day__lte=through)
        .exclude(lines__kind=LineKind.DISPUTE_HOLD)
        .order_by("pk")
        .values_list("pk", "merchant_id", "day", "amount")
    )
    to_release = list(
        SettlementDispute.objects.filter(merchant_filter, closed_on__isnull=False, closed_on__lte=through)
        .filter(lines__kind=LineKind.DISPUTE_HOLD)
        .exclude(pk__in=StatementLine.objects.filter(kind=LineKind.DISPUTE_RELEASE).values("dispute_id"))
        .order_by("pk")
        .values_list("pk", "merchant_id", "day", "amount", "closed_on")
    )
    touched_merchants = {row[1] for row in pending_tx} | {row[1] for row in to_hold} | {row[1] for row in to_release}

    # 2. The statements of those merchants on file, by (merchant, day) (1 query).
    existing: dict[tuple[int, dt.date], tuple[int, str]] = {}
    if touched_merchants:
        for pk, merchant_id, day, status in (
            Statement.objects.filter(merchant_id__in=touched_merchants)
            .order_by()
            .values_list("pk", "merchant_id", "period_start", "status")
        ):
            existing[(merchant_id, day)] = (pk, status)
    open_days: dict[int, list[dt.date]] = defaultdict(list)
    for (merchant_id, day), (_pk, status) in existing.items():
        if status == StatementStatus.OPEN:
            open_days[merchant_id].append(day)
    for days in open_days.values():
        days.sort()

    def target(merchant_id: int, day: dt.date) -> tuple[dt.date, bool]:
        """The statement day a line of ``day`` goes to, and whether it is late: its own
        day's while that is not closed, else the merchant's next open statement after it
        (the statement of ``through`` when it has none)."""
        found = existing.get((merchant_id, day))
        if found is None or found[1] == StatementStatus.OPEN:
            return day, False
        for open_day in open_days.get(merchant_id, ()):
            if open_day > day:
                return open_day, True
        late_day = max(through, day + dt.timedelta(days=1))
        # The statement of that day may be closed already (the job run again the same day):
        # the correction goes to the first day after it without a closed statement.
        while (on_file := existing.get((merchant_id, late_day))) is not None and on_file[1] != StatementStatus.OPEN:
            late_day += dt.timedelta(days=1)
        open_days[merchant_id].append(late_day)
        open_days[merchant_id].sort()
        return late_day, True

    # (merchant, statement day) -> [(kind, line day, amount, transaction, dispute)]
    planned: dict[tuple[int, dt.date], list] = defaultdict(list)
    for pk, merchant_id, day, amount in pending_tx:
        statement_day, late = target(merchant_id, day)
        kind = LineKind.LATE_CORRECTION if late else LineKind.TRANSACTION
        planned[(merchant_id, statement_day)].append((kind, day, amount, pk, None))
    for pk, merchant_id, day, amount in to_hold:
        statement_day, _late = target(merchant_id, day)
        planned[(merchant_id, statement_day)].append((LineKind.DISPUTE_HOLD, day, -amount, None, pk))
    for pk, merchant_id, day, amount, closed_on in to_release:
        statement_day, _late = target(merchant_id, max(closed_on, day))
        planned[(merchant_id, statement_day)].append((LineKind.DISPUTE_RELEASE, day, amount, None, pk))

    # The days rates are asked for: each line's own, and each statement's (a late line's
    # statement day may lie after every line's day).
    rate_days = {day for (_merchant, day) in planned} | {
        day for entries in planned.values() for _kind, day, *_rest in entries
    }
    book = RateBook(touched_merchants, days=rate_days) if planned else None

    # 3. The missing statements, in one insert; then their ids (1 query).
    missing = [key for key in planned if key not in existing]
    if missing:
        new_statements = []
        # T+15 once per day, not per statement (the calendar's cache is read per call).
        due_on: dict[dt.date, dt.date] = {}
        for merchant_id, day in missing:
            if day not in due_on:
                due_on[day] = statements.payable_on(day)
            day_rate = book.rate(merchant_id, day)
            new_statements.append(
                Statement(
                    merchant_id=merchant_id,
                    period_start=day,
                    period_end=day,
                    payable_on=due_on[day],
                    status=StatementStatus.OPEN,
                    rate=day_rate.rate,
                    promotion_applied=day_rate.promotion,
                    discount_applied=day_rate.discount,
                    rule_set=day_rate.rule_set,
                )
            )
        Statement.objects.bulk_create(new_statements, batch_size=5000)
        for statement in new_statements:
            existing[(statement.merchant_id, statement.period_start)] = (statement.pk, StatementStatus.OPEN)

    # 4. The lines, in one insert.
    lines = []
    for (merchant_id, statement_day), entries in planned.items():
        statement_id = existing[(merchant_id, statement_day)][0]
        for kind, day, amount, transaction_id, dispute_id in entries:
            lines.append(
                StatementLine(
                    statement_id=statement_id,
                    kind=kind,
                    day=day,
                    amount=amount,
                    rate=book.rate(merchant_id, day).rate,
                    transaction_id=transaction_id,
                    dispute_id=dispute_id,
                )
            )
    StatementLine.objects.bulk_create(lines, batch_size=5000)

    # 5. The figures of the open statements touched: one UPDATE over their lines.
    touched_ids = sorted({existing[key][0] for key in planned})
    if touched_ids:
        refresh_figures(touched_ids)

    # 6. Close the open statements of days up to ``through``: held when a line has no rate,
    #    payable otherwise (2 UPDATEs).
    closed = 0
    if close:
        closing = Statement.objects.filter(merchant_filter, status=StatementStatus.OPEN, period_start__lte=through)
        unpriced = StatementLine.objects.filter(statement_id=OuterRef("pk"), rate__isnull=True)
        closed = closing.filter(Exists(unpriced)).update(
            status=StatementStatus.HELD, held_for=HoldReason.NO_RATE, held_at=now, settled_at=now
        )
        closed += closing.update(status=StatementStatus.PAYABLE, settled_at=now)
    return SettleResult(lines=len(lines), statements_touched=len(touched_ids), closed=closed)


def refresh_figures(statement_ids, *, status: str = StatementStatus.OPEN) -> None:
    """Gross, commission (rounded once, half up: PostgreSQL's round() of a numeric rounds
    half away from zero; raw/100 to the fen is raw to the unit, then shifted, with no
    division before rounding) and net of the statements named still in ``status`` (open: the
    figures of a closed statement never change), from their lines. A line without a rate
    adds to the gross, not to the commission (its statement is held until it has one).

    Nested loops are off for this one statement: the statements and lines it reads were
    mostly inserted by the same run, so the planner's statistics (few open statements) make
    it pick a nested loop over the aggregate — quadratic, 2 s for 1 500 statements, hours
    for a month of 10 000 merchants (bench/settlement.py); a merge or hash join is linear."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SET LOCAL enable_nestloop = off;
            UPDATE {Statement._meta.db_table} AS s
               SET gross = t.gross,
                   commission = round(t.raw, 0) / 100,
                   net = t.gross - round(t.raw, 0) / 100
              FROM (
                    SELECT statement_id, sum(amount) AS gross, coalesce(sum(amount * rate), 0) AS raw
                      FROM {StatementLine._meta.db_table}
                     WHERE statement_id = ANY(%s)
                     GROUP BY statement_id
                   ) AS t
             WHERE s.id = t.statement_id AND s.status = %s;
            SET LOCAL enable_nestloop TO DEFAULT;
            """,
            [list(statement_ids), status],
        )
