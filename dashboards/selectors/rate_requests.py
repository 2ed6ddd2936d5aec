"""Rate requests (SPEC.md §3): pending, approved, rejected, and the median time to decide."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Func, Q, QuerySet

from commissions.models import RateRequest, RequestStatus

from .measures import Median, _two_places
from .scope import NO_FILTERS, Filters, Period, _scoped_rate_requests


def pending_rate_requests(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[RateRequest]:
    """Requests waiting for a decision at the end of the period: made before it ended,
    needing approval, and not decided by then."""
    return (
        _scoped_rate_requests(user, filters)
        .exclude(status=RequestStatus.NOT_REQUIRED)
        .filter(created_at__lt=period.until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.until))
    )


def decided_rate_requests(
    user, period: Period, status: str | None = None, *, filters: Filters = NO_FILTERS
) -> QuerySet[RateRequest]:
    """Requests approved or rejected (``status``: only those) in the period."""
    statuses = [status] if status else [RequestStatus.APPROVED, RequestStatus.REJECTED]
    return _scoped_rate_requests(user, filters).filter(
        status__in=statuses, closed_at__gte=period.since, closed_at__lt=period.until
    )


def rate_request_volumes(user, period: Period, *, filters: Filters = NO_FILTERS) -> dict:
    """Rate requests (SPEC.md §3): ``pending`` at the end of the period, ``approved`` and
    ``rejected`` in it (requests within the recruiter's authority need no decision and are
    not counted), and ``median_hours_to_decide`` — the median, over those decided in the
    period, of the hours from the request to its last decision. One query."""
    decided = Q(
        status__in=[RequestStatus.APPROVED, RequestStatus.REJECTED],
        closed_at__gte=period.since,
        closed_at__lt=period.until,
    )
    hours = Func(F("closed_at") - F("created_at"), function="EXTRACT", template="EXTRACT(EPOCH FROM %(expressions)s)")
    counts = _scoped_rate_requests(user, filters).aggregate(
        pending=Count(
            "id",
            filter=Q(created_at__lt=period.until)
            & ~Q(status=RequestStatus.NOT_REQUIRED)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.until)),
        ),
        approved=Count("id", filter=decided & Q(status=RequestStatus.APPROVED)),
        rejected=Count("id", filter=decided & Q(status=RequestStatus.REJECTED)),
        median_seconds=Median(hours, filter=decided),
    )
    seconds = counts.pop("median_seconds")
    median = None if seconds is None else Decimal(str(seconds)) / Decimal(3600)
    return {**counts, "median_hours_to_decide": _two_places(median)}
