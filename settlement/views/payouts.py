"""Finance's moves of a statement from its page: pay (on or after its payable day), hold
with a reason, release — the services of ``settlement.services.payouts`` (the same rules
as the API's ``/pay/``, ``/hold/``, ``/release/``). A statement out of sight is a 404;
anyone but finance gets 403; a move the statement's state refuses is shown with its 409."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError

from ..services import payouts
from .portal import _statement_or_404, statement_context

MOVES = {
    "pay": (lambda statement, by, post: payouts.statement_pay(statement=statement, by=by), _("Payout recorded.")),
    "hold": (
        lambda statement, by, post: payouts.statement_hold(statement=statement, by=by, reason=post.get("reason", "")),
        _("The payout is held."),
    ),
    "release": (
        lambda statement, by, post: payouts.statement_release(statement=statement, by=by),
        _("The statement is payable again."),
    ),
}


@login_required
@require_POST
def statement_move(request, pk: int, move: str):
    statement = _statement_or_404(request.user, pk)
    if not payouts.may_move_money(request.user):
        raise PermissionDenied
    perform, success = MOVES[move]
    try:
        perform(statement, request.user, request.POST)
    except ApplicationError as error:
        context = statement_context(request, _statement_or_404(request.user, pk))
        context.update({"move_error": error.message, "failed_move": move, "reason": request.POST.get("reason", "")})
        return render(request, "settlement/statement_detail.html", context, status=error.status_code)
    messages.success(request, str(success))
    return redirect("settlement:statement", pk=statement.pk)
