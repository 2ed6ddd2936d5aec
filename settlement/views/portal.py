"""The merchant portal's money pages: its statements (with their lines and the PDF), its
deposit with the history of entries, and its credit grade with the factors that made it.
A merchant sees only its own: another merchant's statement is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from merchants.views.common import merchant_required, merchants_of_portal_user
from workplace.exceptions import ApplicationError
from workplace.pagination import paginate

from .. import credit, selectors
from ..models import DepositStatus, LineKind, StatementLine, StatementStatus
from ..services import payouts
from ..services.credit import factor_lines
from .common import StatementFilters, statement_filters, statement_totals

STATEMENTS_PER_PAGE = 31


def own_statements(user):
    return selectors.statements_for_user(user).filter(merchant__user=user)


@merchant_required
def statements(request):
    """My statements: period, gross, commission, net, payable on, status; by month."""
    status = 200
    error = None
    try:
        filters = statement_filters(request.GET, staff=False)
    except ApplicationError as refused:
        filters, error, status = StatementFilters(), refused, 400
    queryset = filters.apply(own_statements(request.user)).order_by("-period_start", "merchant__name", "id")
    context = {
        "page": paginate(request, queryset, per_page=STATEMENTS_PER_PAGE),
        "totals": statement_totals(queryset),
        "filters": filters,
        "error": error,
        "several_merchants": len({m.pk for m in merchants_of_portal_user(request.user)}) > 1,
    }
    return render(request, "settlement/portal/statements.html", context, status=status)


def _statement_or_404(user, pk: int):
    """The statement if the user may see it (a merchant: its own only), else a 404."""
    statement = selectors.statements_for_user(user).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def statement_lines(statement) -> list[StatementLine]:
    lines = list(statement.lines.select_related("transaction").order_by("day", "id"))
    for line in lines:
        # Shown per line for reading; the statement rounds once, on the sum.
        line.commission = line.amount * line.rate / 100
    return lines


@login_required
def statement_detail(request, pk: int):
    """A statement with its lines: the portal's for its merchant, the back office's for
    the staff who see it."""
    statement = _statement_or_404(request.user, pk)
    return render(request, "settlement/statement_detail.html", statement_context(request, statement))


def statement_context(request, statement) -> dict:
    may_move = payouts.may_move_money(request.user)
    return {
        "statement": statement,
        "lines": statement_lines(statement),
        "late": LineKind.LATE_CORRECTION,
        "may_move": may_move,
        "may_pay": may_move and statement.status == StatementStatus.PAYABLE,
        "pay_not_yet": statement.payable_on > timezone.localdate(),
        "may_hold": may_move and statement.status == StatementStatus.PAYABLE,
        "may_release": may_move and statement.status == StatementStatus.HELD,
    }


@login_required
def statement_pdf_download(request, pk: int):
    from ..statement_pdf import statement_pdf

    statement = _statement_or_404(request.user, pk)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{statement.merchant_id}-{statement.period_start.isoformat()}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@merchant_required
def deposit(request):
    """My deposit: required, received, deducted, refundable, status, refund due date and
    the history of entries."""
    deposits = list(
        selectors.deposits_for_user(request.user).filter(merchant__user=request.user).order_by("merchant__name", "id")
    )
    today = timezone.localdate()
    for item in deposits:
        item.refund_overdue = bool(
            item.status == DepositStatus.REFUND_DUE and item.refund_due and item.refund_due < today
        )
    return render(request, "settlement/portal/deposit.html", {"deposits": deposits})


@merchant_required
def credit_page(request):
    """My credit: the grade in force today, its score and the factors, in words."""
    today = timezone.localdate()
    ratings = []
    for merchant in merchants_of_portal_user(request.user):
        if merchant.signed_at is None:
            continue
        rating = credit.latest_rating(merchant.pk, today)
        ratings.append(
            {"merchant": merchant, "rating": rating, "factors": factor_lines(rating) if rating is not None else []}
        )
    return render(request, "settlement/portal/credit.html", {"ratings": ratings})
