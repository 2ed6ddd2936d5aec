"""The arithmetic shared by the figures: percentages (``Decimal`` percent rounded
ROUND_HALF_UP to 2 places, ``None`` when their denominator is empty), the median, and
working days between two dates computed in SQL from the calendar read once."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, FloatField, Func, IntegerField
from django.db.models.functions import TruncDate

from workplace.calendar import SHANGHAI, working_days_index

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent, 2 places ROUND_HALF_UP; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _two_places(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, interpolated for an even count."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class WorkingDaysBetween(Func):
    """Working days after the date ``start`` up to and including the date ``end`` (the
    ``workplace.calendar.working_days_between`` rule), in SQL: the difference of two
    entries of ``working_days_index(base, …)`` passed as an array, so the calendar is
    read once for the whole report and the database does the per-row arithmetic."""

    output_field = IntegerField()

    def __init__(self, start, end, *, base: dt.date, index: list[int]):
        super().__init__(start, end)
        self.base, self.index = base, index

    def as_sql(self, compiler, connection, **extra):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        sql = f"((%s::int[])[({end_sql} - %s::date) + 1] - (%s::int[])[({start_sql} - %s::date) + 1])"
        return sql, (self.index, *end_params, self.base, self.index, *start_params, self.base)


def _working_days_expression(start, end, *, first_day: dt.date | None, last_day: dt.date):
    """``WorkingDaysBetween`` over the dates from ``first_day`` to ``last_day``."""
    first_day = min(first_day or last_day, last_day)
    index = working_days_index(first_day, last_day)
    ordered = [index[first_day + dt.timedelta(days=offset)] for offset in range((last_day - first_day).days + 1)]
    return WorkingDaysBetween(start, end, base=first_day, index=ordered)


def _local_date(expression):
    return TruncDate(expression, tzinfo=SHANGHAI)
