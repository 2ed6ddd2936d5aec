"""The dashboard's files: ``/dashboards/export.xlsx?from=&to=`` (every table, one sheet
each, in the reader's language) and ``/dashboards/report.pdf?month=YYYY-MM`` (the
monthly management report, in Chinese; ``?plan=`` or the plan in force at the month's
end). Both take the page's other filters (``region``,
``category``, ``segment``, ``recruiter``: ``dashboards.filters``). Staff only, each
reader's own scope, as the page; a bad parameter is a 400 naming it, a recruiter outside
the reader's reach a 403 naming it (plain text, in the reader's language)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from workplace.exceptions import ApplicationError

from . import alliance_panel, charts, exports, report
from .filters import filters_from
from .leaderboard import leaderboard
from .periods import period_from
from .plan_panels import pick_plan, plan_panels
from .selectors import dashboard_summary
from .views import _require_staff


def _refused(error: ApplicationError) -> HttpResponse:
    return HttpResponse(
        f"{error.field}: {error.message}", status=error.status_code, content_type="text/plain; charset=utf-8"
    )


@login_required
def export_xlsx(request):
    _require_staff(request.user)
    try:
        period = period_from(request.GET)
        filters = filters_from(request.GET, request.user)
        plan = pick_plan(request.GET)
    except ApplicationError as error:
        return _refused(error)
    summary = dashboard_summary(user=request.user, period=period, filters=filters)
    shown_plan = plan_panels(plan, request.user) if plan else None
    plan_rows = shown_plan["progress"]["recruiters"] if shown_plan else None
    content = exports.dashboard_workbook(
        charts.panels(summary, period, filters),
        period,
        absolute=request.build_absolute_uri,
        plan=shown_plan,
        board=leaderboard(request.user, period, plan_rows=plan_rows, filters=filters),
        alliance=alliance_panel.alliance_panel(request.user, period, filters),
    )
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"'
    )
    return response


@login_required
def report_pdf(request):
    _require_staff(request.user)
    try:
        period = report.report_month(request.GET.get("month"))
        filters = filters_from(request.GET, request.user)
        plan = pick_plan(request.GET, today=period.end)
    except ApplicationError as error:
        return _refused(error)
    content = report.report_pdf(request.user, period, filters=filters, plan=plan)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dashboard-report-{period.start.strftime("%Y-%m")}.pdf"'
    return response
