"""The back office's deposits (保证金): the list in the reader's scope (finance, the general
manager and admins all; recruiters their merchants', heads their department's) with its
status filter and the overdue refunds flagged, and a deposit's page with its history and
the moves each role may make, through ``settlement.services`` (the API's rules): finance
records receipts and refunds and proposes deductions; the general manager deducts at once
and approves or rejects the proposed ones. Out of sight is a 404; a move the role may not
make is a 403; a move refused by the deposit's state or figures is shown with its status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError
from workplace.pagination import paginate
from workplace.roles import Role, has_role

from .. import selectors, services
from ..models import DepositStatus, EntryKind, EntryStatus
from .common import back_office_required

DEPOSITS_PER_PAGE = 50


def _moves_of(user) -> set[str]:
    moves = set()
    if has_role(user, Role.FINANCE):
        moves |= {"receive", "refund", "deduct"}
    if has_role(user, Role.GENERAL_MANAGER):
        moves |= {"deduct", "decide"}
    return moves


@back_office_required
def deposit_list(request):
    today = timezone.localdate()
    status = (request.GET.get("status") or "").strip()
    queryset = selectors.deposits_for_user(request.user).prefetch_related(None).order_by("merchant__name", "id")
    error = None
    if status == "overdue":
        queryset = queryset.filter(status=DepositStatus.REFUND_DUE, refund_due__lt=today)
    elif status in DepositStatus.values:
        queryset = queryset.filter(status=status)
    elif status:
        error = _("Choose a status from the list.")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        queryset = queryset.filter(Q(merchant__name__icontains=q))
    page = paginate(request, queryset, per_page=DEPOSITS_PER_PAGE)
    for deposit in page:
        deposit.refund_overdue = bool(
            deposit.status == DepositStatus.REFUND_DUE and deposit.refund_due and deposit.refund_due < today
        )
    context = {"page": page, "status": status, "q": q, "statuses": DepositStatus.choices, "error": error}
    return render(request, "settlement/back_office/deposits.html", context, status=400 if error else 200)


def _deposit_or_404(user, pk: int):
    deposit = selectors.deposits_for_user(user).filter(pk=pk).first()
    if deposit is None:
        raise Http404
    return deposit


def _context(request, deposit, **extra) -> dict:
    today = timezone.localdate()
    deposit.refund_overdue = bool(
        deposit.status == DepositStatus.REFUND_DUE and deposit.refund_due and deposit.refund_due < today
    )
    entries = list(deposit.entries.all())
    return {
        "deposit": deposit,
        "entries": entries,
        "pending": [e for e in entries if e.kind == EntryKind.DEDUCTION and e.status == EntryStatus.PENDING],
        "moves": _moves_of(request.user),
        "today": today.isoformat(),
        "values": request.POST if request.method == "POST" else {},
        **extra,
    }


@back_office_required
def deposit_detail(request, pk: int):
    deposit = _deposit_or_404(request.user, pk)
    return render(request, "settlement/back_office/deposit_detail.html", _context(request, deposit))


def _decide(deposit, by, post):
    entry = post.get("entry", "")
    entry_id = int(entry) if entry.isascii() and entry.isdigit() and len(entry) < 18 else None
    return services.deduction_decide(
        deposit=deposit, entry_id=entry_id, by=by, approve=post.get("decision") == "approve"
    )


MOVES = {
    "receive": (
        lambda deposit, by, post: services.deposit_receive(
            deposit=deposit, by=by, amount=post.get("amount", ""), received_on=post.get("on", "")
        ),
        _("The receipt is recorded."),
    ),
    "refund": (
        lambda deposit, by, post: services.deposit_refund(
            deposit=deposit, by=by, amount=post.get("amount", ""), refunded_on=post.get("on", "")
        ),
        _("The refund is recorded."),
    ),
    "deduct": (
        lambda deposit, by, post: services.deposit_deduct(
            deposit=deposit, by=by, amount=post.get("amount", ""), reason=post.get("reason", "")
        ),
        _("The deduction is recorded."),
    ),
    "decide": (_decide, _("The deduction is decided.")),
}


@back_office_required
@require_POST
def deposit_move(request, pk: int, move: str):
    deposit = _deposit_or_404(request.user, pk)
    if move not in _moves_of(request.user):
        raise PermissionDenied
    perform, success = MOVES[move]
    try:
        perform(deposit, request.user, request.POST)
    except ApplicationError as error:
        context = _context(
            request, _deposit_or_404(request.user, pk), move_error=error.message, failed_move=move, field=error.field
        )
        return render(request, "settlement/back_office/deposit_detail.html", context, status=error.status_code)
    messages.success(request, str(success))
    return redirect("settlement:deposit", pk=deposit.pk)
