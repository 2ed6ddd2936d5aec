"""Working-day calendar of mainland China (SPEC.md §7).

Order of authority for one day: an admin's ``CalendarOverride``; then the
chinese-calendar library (statutory holidays and 调休 working weekends) for the years it
knows; then Monday–Friday. Days of a year neither the library nor an admin
(``CalendarYear``) knows are flagged as fallback — the calendar never raises.

Both tables are served from the rule cache (workplace.rules.register_table): a count
issues no query while the cache is current; a save or delete of either table is seen by
the next count in every process (after commit); when the cache is down each count reads
both tables from the database (two queries, however long the span).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar

from . import rules
from .models import CalendarOverride, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _load_overrides() -> dict[dt.date, bool]:
    return dict(CalendarOverride.objects.order_by().values_list("date", "is_working_day"))


def _load_published_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.order_by().values_list("year", flat=True))


def register() -> None:
    """Serve the overrides and the published years from the rule cache (both tables are
    small: a few dozen rows a year). Called from WorkplaceConfig.ready, so every process
    that saves or deletes a row invalidates them for all (after commit)."""
    rules.register_table(CalendarOverride, _load_overrides)
    rules.register_table(CalendarYear, _load_published_years)


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    fallback: bool


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    fallback: bool

    @property
    def deadline(self) -> dt.datetime:
        """The last moment of the due date, 23:59:59 Asia/Shanghai."""
        return end_of_day(self.date)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


@functools.lru_cache(maxsize=8192)
def _library_working_day(day: dt.date) -> bool | None:
    """The library's answer, or None for a year it does not know (kept: the library's
    tables never change in a process, and it scans them for their range at every call)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class _Calendar:
    """The overrides and the published years as one request sees them: from the cache
    (no query while it is current), from the database when it is down."""

    def __init__(self):
        self.overrides: dict[dt.date, bool] = rules.cached(CalendarOverride)
        self.published_years: frozenset[int] = rules.cached(CalendarYear)

    def day(self, day: dt.date) -> DayInfo:
        library = _library_working_day(day)
        fallback = library is None and day.year not in self.published_years
        if day in self.overrides:
            return DayInfo(day, self.overrides[day], fallback)
        if library is not None:
            return DayInfo(day, library, False)
        return DayInfo(day, day.weekday() < 5, fallback)


class DateOutOfRange(ValueError):
    """The count runs past the last date the calendar can represent (9999-12-31)."""


def day_info(day: dt.date) -> DayInfo:
    return _Calendar().day(day)


def is_working_day(day: dt.date) -> bool:
    return day_info(day).is_working_day


def add_working_days(start: dt.date, working_days: int) -> DueDate:
    """The N-th working day after ``start`` (``start`` itself not counted).

    "Within N working days of D" is due at the end of this day. ``fallback`` is True when
    any day looked at came from the Monday–Friday fallback. N = 0 gives ``start``.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    calendar = _Calendar()
    day, counted, fallback = start, 0, False
    while counted < working_days:
        if day == dt.date.max:
            raise DateOutOfRange("the due date would be after 9999-12-31")
        day += dt.timedelta(days=1)
        info = calendar.day(day)
        fallback = fallback or info.fallback
        if info.is_working_day:
            counted += 1
    return DueDate(day, fallback)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = _Calendar()
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.day(start + dt.timedelta(days=offset)).is_working_day
    )


def working_days_index(start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """For each date from ``start`` to ``end``: ``working_days_between(start, date)``, from
    one read of the calendar. The working days between any two of these dates are the
    difference of their entries (a report over many spans counts the calendar once)."""
    calendar = _Calendar()
    index, running, day = {}, 0, start
    while day <= end:
        index[day] = running
        if day == dt.date.max:
            break
        day += dt.timedelta(days=1)
        if day <= end and calendar.day(day).is_working_day:
            running += 1
    return index


def due_at(moment: dt.datetime, working_days: int) -> dt.datetime:
    """Deadline for something that happened at ``moment``: end of the N-th working day
    after its date in Asia/Shanghai."""
    local_date = moment.astimezone(SHANGHAI).date()
    return add_working_days(local_date, working_days).deadline


def working_deadline(moment: dt.datetime, working_days: int) -> DueDate:
    """Like ``due_at``, keeping the fallback flag: ``.deadline`` is the moment, ``.fallback``
    says whether a day counted came from the Monday–Friday fallback (SPEC.md §7: such a
    deadline is flagged wherever it is shown)."""
    return add_working_days(moment.astimezone(SHANGHAI).date(), working_days)
