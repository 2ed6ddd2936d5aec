"""The summary (API.md "Plans and dashboards") and the records behind each figure."""

from __future__ import annotations

from django.db.models import QuerySet

from commissions.models import RequestStatus
from merchants.models import Application, ApplicationStatus

from .churn import active_merchants_at_start, churn, signed_merchants, terminated_merchants
from .complaints import (
    answerable_complaints,
    closed_complaints,
    complaint_service_level,
    open_complaints,
    overdue_complaints,
)
from .onboarding import (
    FUNNEL_STAGES,
    _moves_in,
    cycle_time_approvals,
    cycle_time_working_days,
    funnel,
    funnel_applications,
    pass_rate,
)
from .rate_requests import decided_rate_requests, pending_rate_requests, rate_request_volumes
from .scope import NO_FILTERS, Filters, Period


def dashboard_summary(*, user, period: Period, now=None, filters: Filters = NO_FILTERS) -> dict:
    """Every figure of API.md "Plans and dashboards" for ``user`` over ``period``."""
    counts = funnel(user, period, filters=filters)
    return {
        "funnel": counts,
        "pass_rate": pass_rate(counts),
        "cycle_time_working_days": cycle_time_working_days(user, period, filters=filters),
        "complaints": complaint_service_level(user, period, now=now, filters=filters),
        "churn": churn(user, period, filters=filters),
        "rate_requests": rate_request_volumes(user, period, filters=filters),
    }


# figure slug → (label key, builder of the records behind it). The records page lists
# exactly these; its count is the figure's.
def figure_records(user, period: Period, figure: str, now=None, *, filters: Filters = NO_FILTERS) -> QuerySet:
    """The records behind one figure (``FIGURES``); ``KeyError`` for an unknown one."""
    builders = {
        **{
            f"funnel-{stage}": (lambda stage=stage: funnel_applications(user, period, stage, filters=filters))
            for stage in (stage.value for stage in FUNNEL_STAGES)
        },
        "decided": lambda: Application.objects.filter(
            pk__in=_moves_in(user, period, filters=filters)
            .filter(to_status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REJECTED])
            .values("application")
        ),
        "cycle-time": lambda: Application.objects.filter(
            pk__in=cycle_time_approvals(user, period, filters=filters).values("application")
        ),
        "complaints-open": lambda: open_complaints(user, period, filters=filters),
        "complaints-overdue": lambda: overdue_complaints(user, period, now=now, filters=filters),
        "complaints-closed": lambda: closed_complaints(user, period, filters=filters),
        "complaints-answerable": lambda: answerable_complaints(user, period, now=now, filters=filters),
        "merchants-active": lambda: active_merchants_at_start(user, period, filters=filters),
        "merchants-terminated": lambda: terminated_merchants(user, period, filters=filters),
        "merchants-signed": lambda: signed_merchants(user, period, filters=filters),
        "rate-requests-pending": lambda: pending_rate_requests(user, period, filters=filters),
        "rate-requests-approved": lambda: decided_rate_requests(user, period, RequestStatus.APPROVED, filters=filters),
        "rate-requests-rejected": lambda: decided_rate_requests(user, period, RequestStatus.REJECTED, filters=filters),
    }
    return builders[figure]()


FIGURES = (
    *(f"funnel-{stage.value}" for stage in FUNNEL_STAGES),
    "decided",
    "cycle-time",
    "complaints-open",
    "complaints-overdue",
    "complaints-closed",
    "complaints-answerable",
    "merchants-active",
    "merchants-terminated",
    "rate-requests-pending",
    "rate-requests-approved",
    "rate-requests-rejected",
)
# The records behind the plan panels (``dashboards.plan_panels``): not summary figures.
PLAN_FIGURES = ("merchants-signed",)
