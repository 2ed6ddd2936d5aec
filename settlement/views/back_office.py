"""The back office's statements (finance, the general manager, admins; recruiters their
merchants', heads their department's): the list with its filters and totals, and the
reconciliation export (XLSX) of the same statements with the same figures."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from workplace.exceptions import ApplicationError
from workplace.pagination import paginate
from workplace.roles import Role, has_role

from .. import exports, selectors
from ..models import StatementStatus
from ..services.card_transactions import PERMISSION as IMPORT_PERMISSION
from .common import StatementFilters, back_office_required, statement_filters, statement_totals

STATEMENTS_PER_PAGE = 50


def filtered_statements(user, filters: StatementFilters):
    return filters.apply(selectors.statements_for_user(user)).order_by("-period_start", "merchant__name", "id")


def may_import(user) -> bool:
    return not has_role(user, Role.MERCHANT) and user.has_perm(IMPORT_PERMISSION)


@back_office_required
def statements(request):
    status = 200
    error = None
    try:
        filters = statement_filters(request.GET, staff=True)
    except ApplicationError as refused:
        filters, error, status = StatementFilters(), refused, 400
    queryset = filtered_statements(request.user, filters)
    context = {
        "page": paginate(request, queryset, per_page=STATEMENTS_PER_PAGE),
        "totals": statement_totals(queryset),
        "filters": filters,
        "values": request.GET,
        "error": error,
        "statuses": StatementStatus.choices,
        "export_query": urlencode(filters.query()),
        "may_import": may_import(request.user),
    }
    return render(request, "settlement/back_office/statements.html", context, status=status)


@back_office_required
def reconciliation_xlsx(request):
    """The reconciliation workbook of the statements the list shows (same filters)."""
    try:
        filters = statement_filters(request.GET, staff=True)
    except ApplicationError as error:
        return HttpResponse(f"{error.field}: {error.message}", status=400, content_type="text/plain; charset=utf-8")
    queryset = filtered_statements(request.user, filters)
    content = exports.reconciliation_workbook(queryset, totals=statement_totals(queryset), filters=filters)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(filters)}"'
    response["Cache-Control"] = "private, no-store"
    return response
