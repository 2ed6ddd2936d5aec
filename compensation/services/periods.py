"""The periods runs cover: a month ("2026-10"), a quarter ("2026-Q3"), a year ("2026")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError

from ..models import RunKind

_PATTERNS = {
    # ASCII digits only: \d would also take full-width and other scripts' digits.
    RunKind.MONTHLY: re.compile(r"^([0-9]{4})-([0-9]{2})$"),
    RunKind.QUARTERLY: re.compile(r"^([0-9]{4})-Q([1-4])$"),
    RunKind.YEAR_END: re.compile(r"^([0-9]{4})$"),
}
_EXAMPLES = {RunKind.MONTHLY: "2026-10", RunKind.QUARTERLY: "2026-Q3", RunKind.YEAR_END: "2026"}


@dataclass(frozen=True)
class Period:
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date

    def months(self) -> list[dt.date]:
        """The first day of each month of the period."""
        months, day = [], self.starts_on
        while day <= self.ends_on:
            months.append(day)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months

    def is_finished(self, today: dt.date | None = None) -> bool:
        return self.ends_on < (today or timezone.localdate())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_period(day: dt.date) -> Period:
    return Period(
        RunKind.MONTHLY, f"{day.year:04d}-{day.month:02d}", day.replace(day=1), _month_end(day.year, day.month)
    )


def quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    return Period(
        RunKind.QUARTERLY, f"{year:04d}-Q{quarter}", dt.date(year, first_month, 1), _month_end(year, first_month + 2)
    )


def year_period(year: int) -> Period:
    return Period(RunKind.YEAR_END, f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_period(kind: str, text) -> Period:
    """The period named by ``text`` for a run of ``kind``; ``ApplicationError`` on
    ``period`` when it is malformed, does not fit the kind or lies in the future."""
    if kind not in RunKind.values:
        raise ApplicationError(
            _("Unknown kind “%(kind)s”; use one of: %(kinds)s.") % {"kind": kind, "kinds": ", ".join(RunKind.values)},
            field="kind",
        )
    match = _PATTERNS[kind].match(str(text or "").strip())
    year = int(match.group(1)) if match else 0
    if not match or not 2000 <= year <= 2999:
        raise ApplicationError(
            _("A %(kind)s run needs a period like “%(example)s”.")
            % {"kind": RunKind(kind).label, "example": _EXAMPLES[kind]},
            field="period",
        )
    if kind == RunKind.MONTHLY:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ApplicationError(_("The month must be between 01 and 12."), field="period")
        period = month_period(dt.date(year, month, 1))
    elif kind == RunKind.QUARTERLY:
        period = quarter_period(year, int(match.group(2)))
    else:
        period = year_period(year)
    if period.starts_on > timezone.localdate():
        raise ApplicationError(
            _("%(period)s has not begun yet; a run can cover a past period, or the current one as a preview.")
            % {"period": period.label},
            field="period",
        )
    return period


def period_of(kind: str, starts_on: dt.date) -> Period:
    if kind == RunKind.MONTHLY:
        return month_period(starts_on)
    if kind == RunKind.QUARTERLY:
        return quarter_period(starts_on.year, (starts_on.month - 1) // 3 + 1)
    return year_period(starts_on.year)


def previous_period(kind: str, today: dt.date | None = None) -> Period:
    """The last finished period of ``kind`` (the one the scheduled run computes)."""
    today = today or timezone.localdate()
    if kind == RunKind.MONTHLY:
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        return month_period(last_month)
    if kind == RunKind.QUARTERLY:
        quarter = (today.month - 1) // 3 + 1
        year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
        return quarter_period(year, quarter)
    return year_period(today.year - 1)


def local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes ``[start of first, start of the day after last)`` in Asia/Shanghai."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end
