"""Onboarding: the funnel, the review pass rate (target ≤ 60 %) and the cycle time in
working days (target ≤ 3)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, DateTimeField, DecimalField, Min, OuterRef, Q, QuerySet, Subquery

from merchants.models import Application, ApplicationStatus, ApplicationStatusChange
from workplace.calendar import SHANGHAI

from .measures import _local_date, _two_places, _working_days_expression, percent
from .scope import NO_FILTERS, Filters, Period, _scoped_applications

# The seed's targets (000: 审核通过率控制在60%以内; SPEC.md §1.3: onboarding in ≤ 3 working
# days). Reported, not enforced.
PASS_RATE_CEILING = Decimal("60.00")
CYCLE_TIME_TARGET_WORKING_DAYS = 3

FUNNEL_STAGES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.SIGNED,
)


def _moves_in(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[ApplicationStatusChange]:
    """Status changes in the period of the applications ``user`` may see."""
    return ApplicationStatusChange.objects.filter(
        application__in=_scoped_applications(user, filters).values("pk"),
        changed_at__gte=period.since,
        changed_at__lt=period.until,
    )


def funnel_applications(user, period: Period, stage: str, *, filters: Filters = NO_FILTERS) -> QuerySet[Application]:
    """The applications of one funnel stage: those that moved to ``stage`` (submitted —
    first submissions and resubmissions alike —, in review, approved, rejected, signed)
    at least once in the period. Each counts once per stage."""
    moved = _moves_in(user, period, filters=filters).filter(to_status=stage).values("application")
    return Application.objects.filter(pk__in=moved)


def funnel(user, period: Period, *, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """The onboarding funnel: per stage, the applications that reached it in the period
    (``funnel_applications``). It is a flow, not a cohort: an application submitted last
    month and approved this month counts in this month's "approved" only. One query."""
    counts = _moves_in(user, period, filters=filters).aggregate(
        **{
            stage: Count("application", distinct=True, filter=Q(to_status=stage))
            for stage in (stage.value for stage in FUNNEL_STAGES)
        }
    )
    return {str(stage): counts[str(stage)] for stage in FUNNEL_STAGES}


def pass_rate(funnel_counts: dict[str, int]) -> Decimal | None:
    """The review pass rate (审核通过率): applications approved ÷ applications decided
    (approved + rejected) in the period, in percent. A request for changes is not a
    decision (the application comes back). The seed's target is at most 60 %."""
    approved = funnel_counts[ApplicationStatus.APPROVED]
    rejected = funnel_counts[ApplicationStatus.REJECTED]
    return percent(approved, approved + rejected)


def _first_submission():
    return Subquery(
        ApplicationStatusChange.objects.filter(
            application=OuterRef("application"), to_status=ApplicationStatus.SUBMITTED
        )
        .order_by("changed_at", "id")
        .values("changed_at")[:1],
        output_field=DateTimeField(),
    )


def cycle_time_approvals(user, period: Period, *, filters: Filters = NO_FILTERS) -> QuerySet[ApplicationStatusChange]:
    """The approvals in the period (one per application), each annotated with
    ``first_submitted_at``: the application's first submission."""
    return (
        _moves_in(user, period, filters=filters)
        .filter(to_status=ApplicationStatus.APPROVED)
        .annotate(first_submitted_at=_first_submission())
        .filter(first_submitted_at__isnull=False)
    )


def cycle_time_working_days(user, period: Period, *, filters: Filters = NO_FILTERS) -> Decimal | None:
    """Onboarding cycle time: the average, over the applications approved in the period,
    of the working days (SPEC.md §7, ``workplace.calendar``) from the date of their first
    submission to the date of the approval, in Asia/Shanghai — the merchant's wait,
    resubmissions included. 2 places; None without approvals. Two queries (the earliest
    submission, then the average), plus the calendar's."""
    approvals = cycle_time_approvals(user, period, filters=filters)
    earliest = approvals.aggregate(first=Min("first_submitted_at"))["first"]
    if earliest is None:
        return None
    days = _working_days_expression(
        _local_date("first_submitted_at"),
        _local_date("changed_at"),
        first_day=earliest.astimezone(SHANGHAI).date(),
        last_day=period.end,
    )
    average = approvals.aggregate(average=Avg(days, output_field=DecimalField(max_digits=12, decimal_places=4)))
    return _two_places(average["average"])
