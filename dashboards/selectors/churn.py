"""Churn (退机): merchants terminated in the period ÷ merchants active at its start, and
the merchants signed in the period."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from merchants.models import Merchant

from .measures import percent
from .scope import NO_FILTERS, Filters, Period, _scoped_merchants


def active_merchants_at_start(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[Merchant]:
    """Merchants signed before the period began and not terminated by then (a suspended
    merchant is still a merchant)."""
    return (
        _scoped_merchants(user, filters)
        .filter(signed_at__lt=period.since)
        .filter(Q(terminated_at__isnull=True) | Q(terminated_at__gte=period.since))
    )


def terminated_merchants(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[Merchant]:
    """Merchants terminated (退机) in the period."""
    return _scoped_merchants(user, filters).filter(terminated_at__gte=period.since, terminated_at__lt=period.until)


def signed_merchants(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[Merchant]:
    """Merchants signed in the period (whatever became of them since): the records behind
    the plan panels' signings (``plans.selectors``' rule, within the reader's scope)."""
    return _scoped_merchants(user, filters).filter(signed_at__gte=period.since, signed_at__lt=period.until)


def churn(user, period: Period, *, filters: Filters = NO_FILTERS) -> dict:
    """Churn: merchants terminated in the period ÷ merchants active at its start, in
    percent (None when none was active). One query."""
    start = period.since
    counts = _scoped_merchants(user, filters).aggregate(
        active=Count(
            "id", filter=Q(signed_at__lt=start) & (Q(terminated_at__isnull=True) | Q(terminated_at__gte=start))
        ),
        terminated=Count("id", filter=Q(terminated_at__gte=start, terminated_at__lt=period.until)),
    )
    return {**counts, "rate": percent(counts["terminated"], counts["active"])}
