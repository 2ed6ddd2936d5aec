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

One module per family of figures: ``scope`` (the period, the filters, the reader's scope),
``measures`` (percent, median, working days in SQL), ``onboarding`` (funnel, pass rate,
cycle time), ``complaints`` (service levels), ``churn``, ``rate_requests``, ``summary``
(the summary and the records behind each figure). This package re-exports their public
names, so ``dashboards.selectors.<name>`` is the path to import.
"""

from .churn import active_merchants_at_start, churn, signed_merchants, terminated_merchants
from .complaints import (
    FIRST_RESPONSE_HOURS,
    RESOLUTION_WORKING_DAYS,
    answerable_complaints,
    closed_complaints,
    complaint_service_level,
    open_complaints,
    overdue_complaints,
)
from .measures import CENT, HUNDRED, Median, WorkingDaysBetween, percent
from .onboarding import (
    CYCLE_TIME_TARGET_WORKING_DAYS,
    FUNNEL_STAGES,
    PASS_RATE_CEILING,
    cycle_time_approvals,
    cycle_time_working_days,
    funnel,
    funnel_applications,
    pass_rate,
)
from .rate_requests import decided_rate_requests, pending_rate_requests, rate_request_volumes
from .scope import NO_FILTERS, Filters, Period, current_month, region_names
from .summary import FIGURES, PLAN_FIGURES, dashboard_summary, figure_records

__all__ = [
    "CENT",
    "CYCLE_TIME_TARGET_WORKING_DAYS",
    "FIGURES",
    "FIRST_RESPONSE_HOURS",
    "FUNNEL_STAGES",
    "HUNDRED",
    "NO_FILTERS",
    "PASS_RATE_CEILING",
    "PLAN_FIGURES",
    "RESOLUTION_WORKING_DAYS",
    "Filters",
    "Median",
    "Period",
    "WorkingDaysBetween",
    "active_merchants_at_start",
    "answerable_complaints",
    "churn",
    "closed_complaints",
    "complaint_service_level",
    "current_month",
    "cycle_time_approvals",
    "cycle_time_working_days",
    "dashboard_summary",
    "decided_rate_requests",
    "figure_records",
    "funnel",
    "funnel_applications",
    "open_complaints",
    "overdue_complaints",
    "pass_rate",
    "pending_rate_requests",
    "percent",
    "rate_request_volumes",
    "region_names",
    "signed_merchants",
    "terminated_merchants",
]
