"""The dashboards' period filter (``from`` / ``to``), read the same way by the API and the
pages: both optional (the current month by default), ISO dates, ``from`` not after
``to``, at most ``MAX_PERIOD_DAYS`` long. A bad value is an ``ApplicationError`` naming
the field, in the reader's language."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError

from .selectors import Period, current_month

# About three years: a longer report is not a dashboard (and keeps the calendar index small).
MAX_PERIOD_DAYS = 3 * 366
# Dates the platform can have records on; outside them a period is a typing error (and
# the first or last representable day would overflow when turned into moments).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


def _date(raw: str | None, field: str) -> dt.date | None:
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip()
    try:
        if len(text) != 10:
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(_("Enter a date as YYYY-MM-DD."), field=field, code="invalid") from None
    if not EARLIEST <= day <= LATEST:
        raise ApplicationError(
            _("Enter a date from %(earliest)s to %(latest)s.") % {"earliest": EARLIEST, "latest": LATEST},
            field=field,
            code="invalid",
        )
    return day


def period_from(params, today: dt.date | None = None) -> Period:
    """The period of a query string (``from``, ``to``); the missing end defaults to the
    current month's."""
    default = current_month(today or timezone.localdate())
    start = _date(params.get("from"), "from")
    end = _date(params.get("to"), "to")
    if start is None and end is None:
        return default
    if start is None:
        start = end.replace(day=1)
    if end is None:
        end = max(default.end, start)
    if start > end:
        raise ApplicationError(_("The start date must not be after the end date."), field="from", code="invalid")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ApplicationError(
            _("The period may be at most %(days)d days long.") % {"days": MAX_PERIOD_DAYS}, field="to", code="invalid"
        )
    return Period(start, end)
