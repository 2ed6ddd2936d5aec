"""Reads behind the complaint pages' work queues and the service-level panel (SPEC.md §4:
the seed's goals — first response within 48 h, resolution within 7 working days on
average — are reported). Selectors like ``complaints.selectors``, scoped through it, each
a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from workplace.calendar import SHANGHAI, working_days_index

from .models import CLOSED_STATUSES, OPEN_STATUSES, STEP_OF_STATUS, Complaint, ComplaintStatus, DisputeLevel
from .selectors import complaints_for_user, current_deadline, current_deadline_fallback, overdue_condition

S = ComplaintStatus
FIRST_RESPONSE_HOURS = 48
RESOLUTION_WORKING_DAYS = 7
PANEL_PERIOD_DAYS = 90
# Steps on which customer service acts (or watches the responsible department act).
CUSTOMER_SERVICE_STATUSES = [s for s in ComplaintStatus.values if s in OPEN_STATUSES]
HEAD_STATUSES = [S.AWAITING_SOLUTION, S.IMPLEMENTING]


def _step():
    return Case(
        *[When(status=status, then=Value(step)) for status, step in STEP_OF_STATUS.items()],
        output_field=IntegerField(),
    )


def _queue(queryset, now) -> QuerySet[Complaint]:
    """Annotated for a queue row (step, running deadline and its fallback flag, overdue),
    ordered by step, overdue first, then the soonest deadline."""
    return (
        queryset.select_related("merchant", "responsible_department")
        .annotate(
            step_number=_step(),
            deadline=current_deadline(),
            deadline_fallback=current_deadline_fallback(),
            is_overdue=Case(
                When(overdue_condition(now), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("step_number", "-is_overdue", F("deadline").asc(nulls_last=True), "received_at", "id")
    )


def customer_service_queue(*, user, now=None) -> QuerySet[Complaint]:
    """Every open complaint customer service may see, by step, overdue first."""
    now = now or timezone.now()
    return _queue(complaints_for_user(user).filter(status__in=CUSTOMER_SERVICE_STATUSES), now)


def responsible_queue(*, user, now=None) -> QuerySet[Complaint]:
    """What waits on the responsible person or head: solutions to answer (the transfer
    slip, not while an arbitration decides) and solutions to carry out."""
    now = now or timezone.now()
    mine = Q(responsible_person=user) | Q(responsible_department__head=user)
    answering = Q(status=S.AWAITING_SOLUTION) & (
        # Escalated: once the arbitration decided and a later round or a rejection set
        # ``solution_due`` again.
        Q(dispute_level=DisputeLevel.CUSTOMER_SERVICE) | Q(solution_due__isnull=False)
    )
    queryset = complaints_for_user(user).filter(mine).filter(answering | Q(status=S.IMPLEMENTING))
    return _queue(queryset, now)


def merchant_complaints(*, user) -> QuerySet[Complaint]:
    """The merchant's own complaints, open first, newest first."""
    return (
        complaints_for_user(user)
        .filter(merchant__user=user)
        .select_related("merchant")
        .annotate(
            is_open=Case(
                When(status__in=list(OPEN_STATUSES), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-is_open", "-received_at", "-id")
    )


@dataclass(frozen=True)
class ServiceLevel:
    open_by_step: list  # [(step, status, label, count)]
    open_total: int
    overdue: int
    closed: int
    average_working_days_to_close: float | None
    share_closed_within_target: float | None  # percent
    responded: int
    share_first_response_within_48h: float | None  # percent
    period_days: int


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def service_level(*, user, now=None) -> ServiceLevel:
    """Open complaints by step and overdue now; of those closed (valid or not) in the last
    90 days, the average working days from receipt to closing and the share closed within
    7 working days; of those received in the period, the share first answered within 48 h.
    Three queries (the calendar comes from the cache; two more when the cache is cold)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=PANEL_PERIOD_DAYS)
    scope = complaints_for_user(user)
    counts = dict(
        scope.filter(status__in=list(OPEN_STATUSES))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    totals = scope.aggregate(
        overdue=Count("id", filter=overdue_condition(now)),
        # Still within its first 48 h and unanswered: not counted yet either way.
        received=Count(
            "id",
            filter=Q(received_at__gte=since)
            & (Q(first_response_at__isnull=False) | Q(received_at__lt=now - dt.timedelta(hours=FIRST_RESPONSE_HOURS))),
        ),
        answered_in_time=Count(
            "id",
            filter=Q(received_at__gte=since, first_response_at__isnull=False)
            & Q(first_response_at__lte=F("received_at") + dt.timedelta(hours=FIRST_RESPONSE_HOURS)),
        ),
        responded=Count("id", filter=Q(received_at__gte=since, first_response_at__isnull=False)),
    )
    closed = list(
        scope.filter(status__in=list(CLOSED_STATUSES), closed_at__gte=since, closed_at__isnull=False).values_list(
            "received_at", "closed_at"
        )
    )
    average = share = None
    if closed:
        days = [(received.astimezone(SHANGHAI).date(), done.astimezone(SHANGHAI).date()) for received, done in closed]
        start, end = min(d[0] for d in days), max(d[1] for d in days)
        # Working days up to each date, counted once over the whole span.
        index = working_days_index(start, end)
        spans = [index[done] - index[received] for received, done in days]
        average = round(sum(spans) / len(spans), 1)
        share = _percent(sum(1 for span in spans if span <= RESOLUTION_WORKING_DAYS), len(spans))
    open_by_step = [
        (STEP_OF_STATUS[status], status, ComplaintStatus(status).label, counts.get(status, 0))
        for status in ComplaintStatus.values
        if status in OPEN_STATUSES
    ]
    return ServiceLevel(
        open_by_step=open_by_step,
        open_total=sum(counts.values()),
        overdue=totals["overdue"],
        closed=len(closed),
        average_working_days_to_close=average,
        share_closed_within_target=share,
        responded=totals["responded"],
        share_first_response_within_48h=_percent(totals["answered_in_time"], totals["received"]),
        period_days=PANEL_PERIOD_DAYS,
    )
