"""Complaint service levels (SPEC.md §4): open, overdue, closed within 7 working days,
first response within 48 hours."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from complaints.models import CLOSED_STATUSES, Complaint
from complaints.selectors import overdue_condition
from workplace.calendar import SHANGHAI

from .measures import _local_date, _working_days_expression, percent
from .scope import NO_FILTERS, Filters, Period, _scoped_complaints

# SPEC.md §4: first response within 48 h, resolution within 7 working days. Reported, not
# enforced.
FIRST_RESPONSE_HOURS = 48
RESOLUTION_WORKING_DAYS = 7


def open_complaints(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[Complaint]:
    """Complaints open at the end of the period: received before it ended and not closed
    (valid or not) by then."""
    return (
        _scoped_complaints(user, filters)
        .filter(received_at__lt=period.until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.until))
    )


def overdue_complaints(user, period: Period, now=None, *, filters: Filters = NO_FILTERS) -> QuerySet[Complaint]:
    """Complaints received before the end of the period whose running deadline has
    passed now (``complaints.selectors.overdue_condition``): deadlines move with each
    step and their history is not kept, so "overdue" is always today's state."""
    now = now or timezone.now()
    return _scoped_complaints(user, filters).filter(received_at__lt=period.until).filter(overdue_condition(now))


def closed_complaints(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[Complaint]:
    """Complaints closed (valid or not) in the period."""
    return _scoped_complaints(user, filters).filter(
        status__in=list(CLOSED_STATUSES), closed_at__gte=period.since, closed_at__lt=period.until
    )


def answerable_complaints(user, period: Period, now=None, *, filters: Filters = NO_FILTERS) -> QuerySet[Complaint]:
    """Complaints received in the period that were answered, or whose 48 hours have
    passed unanswered (those still within their first 48 h count neither way)."""
    now = now or timezone.now()
    return _scoped_complaints(user, filters).filter(
        Q(first_response_at__isnull=False) | Q(received_at__lt=now - dt.timedelta(hours=FIRST_RESPONSE_HOURS)),
        received_at__gte=period.since,
        received_at__lt=period.until,
    )


def _answered_in_time() -> Q:
    return Q(first_response_at__isnull=False) & Q(
        first_response_at__lte=F("received_at") + dt.timedelta(hours=FIRST_RESPONSE_HOURS)
    )


def complaint_service_level(user, period: Period, now=None, *, filters: Filters = NO_FILTERS) -> dict:
    """Complaint service levels (SPEC.md §4): ``open`` and ``overdue`` counts (above),
    ``closed_within_7_working_days`` — of the complaints closed in the period, the share
    closed within 7 working days of the date received (working days after the date
    received up to the date closed) —, ``first_response_within_48h`` — of the answerable
    complaints received in the period, the share first answered within 48 hours. Four
    queries plus the calendar's."""
    now = now or timezone.now()
    counts = _scoped_complaints(user, filters).aggregate(
        open=Count(
            "id",
            filter=Q(received_at__lt=period.until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.until)),
        ),
        overdue=Count("id", filter=Q(received_at__lt=period.until) & overdue_condition(now)),
        received=Count(
            "id",
            filter=Q(received_at__gte=period.since, received_at__lt=period.until)
            & (Q(first_response_at__isnull=False) | Q(received_at__lt=now - dt.timedelta(hours=FIRST_RESPONSE_HOURS))),
        ),
        answered_in_time=Count(
            "id", filter=Q(received_at__gte=period.since, received_at__lt=period.until) & _answered_in_time()
        ),
    )
    closed = closed_complaints(user, period, filters=filters)
    earliest = closed.aggregate(first=Min("received_at"))["first"]
    within = closed_count = 0
    if earliest is not None:
        days = _working_days_expression(
            _local_date("received_at"),
            _local_date("closed_at"),
            first_day=earliest.astimezone(SHANGHAI).date(),
            last_day=period.end,
        )
        spans = closed.annotate(span=days).aggregate(
            closed=Count("id"), within=Count("id", filter=Q(span__lte=RESOLUTION_WORKING_DAYS))
        )
        within, closed_count = spans["within"], spans["closed"]
    return {
        "open": counts["open"],
        "overdue": counts["overdue"],
        "closed": closed_count,
        "closed_within_7_working_days": percent(within, closed_count),
        "answerable": counts["received"],
        "first_response_within_48h": percent(counts["answered_in_time"], counts["received"]),
    }
