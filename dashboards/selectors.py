"""The figures of the management dashboard (issue 10), each defined once, here.

Every figure is computed in the database over a period — ``Period``: from the start of
``start`` to the end of ``end``, both days in Asia/Shanghai — and scoped by the reader
through each app's own selector (``merchants.selectors.applications_for_user`` and
``merchants_for_user``, ``complaints.selectors.complaints_for_user``,
``commissions.selectors.rate_requests_for_user``): a recruiter counts their own records,
a head their department's, the operations director, the general manager and admins
everything.

A figure and the list of records behind it come from the same queryset builder
(``figure_records``), so the list page's count is the figure (no drill-down drift).
Percentages are ``Decimal`` percent rounded ROUND_HALF_UP to 2 places, ``None`` when
their denominator is empty. The summary runs a fixed number of queries whatever the
data: one per group of figures, plus one for each working-day span (its earliest date),
and the calendar's cache reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.http import urlencode

from commissions.models import RateRequest, RequestStatus
from commissions.selectors import rate_requests_for_user
from complaints.models import CLOSED_STATUSES, Complaint
from complaints.selectors import complaints_for_user, overdue_condition
from merchants.models import Application, ApplicationStatus, ApplicationStatusChange, Merchant
from merchants.selectors import applications_for_user, merchants_for_user
from plans.models import Region
from workplace.calendar import SHANGHAI, working_days_index

# The seed's targets (000: 审核通过率控制在60%以内; SPEC.md §1.3: onboarding in ≤ 3 working
# days; §4: first response within 48 h, resolution within 7 working days). Reported, not
# enforced.
PASS_RATE_CEILING = Decimal("60.00")
CYCLE_TIME_TARGET_WORKING_DAYS = 3
FIRST_RESPONSE_HOURS = 48
RESOLUTION_WORKING_DAYS = 7

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` to ``end`` (inclusive), Asia/Shanghai."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        """The first moment of the period."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    def querystring(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"


def current_month(today: dt.date | None = None) -> Period:
    """The default period: the current month up to its last day."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, next_first - dt.timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to, besides the period and the reader's scope:
    ``region`` (a ``plans.Region`` id: merchants whose ``district`` is the region's name
    or the name of a region under it, two levels down as in ``plans.selectors``),
    ``category`` and ``segment`` (the merchant's), ``recruiter`` (a user id: the
    merchant's owning recruiter). Every figure reads its records through their merchant,
    so a filter narrows all of them alike. Parsed and checked in ``dashboards.filters``."""

    region: int | None = None
    category: str = ""
    segment: str = ""
    recruiter: int | None = None

    def merchants(self, prefix: str = "") -> Q:
        """The condition on merchants (reached through ``prefix``, e.g. ``"merchant__"``)."""
        condition = Q()
        if self.region is not None:
            condition &= Q(**{f"{prefix}district__in": region_names(self.region)})
        if self.category:
            condition &= Q(**{f"{prefix}category": self.category})
        if self.segment:
            condition &= Q(**{f"{prefix}segment": self.segment})
        if self.recruiter is not None:
            condition &= Q(**{f"{prefix}recruiter_id": self.recruiter})
        return condition

    def params(self) -> dict[str, str]:
        """The filters set, as query-string parameters."""
        values = {"region": self.region, "category": self.category, "segment": self.segment}
        values["recruiter"] = self.recruiter
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def querystring(self) -> str:
        return urlencode(self.params())


NO_FILTERS = Filters()


def region_names(region_id: int) -> QuerySet:
    """The names of a region and of the regions two levels below it (a city's districts
    and counties), as a subquery: what merchants write in their ``district``."""
    return Region.objects.filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id)).values(
        "name"
    )


def _scoped_applications(user, filters: Filters) -> QuerySet[Application]:
    return applications_for_user(user).filter(filters.merchants("merchant__"))


def _scoped_complaints(user, filters: Filters) -> QuerySet[Complaint]:
    return complaints_for_user(user).filter(filters.merchants("merchant__"))


def _scoped_merchants(user, filters: Filters) -> QuerySet[Merchant]:
    return merchants_for_user(user).filter(filters.merchants())


def _scoped_rate_requests(user, filters: Filters) -> QuerySet[RateRequest]:
    return rate_requests_for_user(user).filter(filters.merchants("merchant__"))


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


# --- onboarding: the funnel, the pass rate, the cycle time ---------------------------------

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


# --- complaints: service levels ------------------------------------------------------------


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


# --- churn -------------------------------------------------------------------------------


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


# --- rate requests -----------------------------------------------------------------------


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


# --- the summary and the records behind each figure -----------------------------------


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
