"""Redeeming credit points (SPEC.md §9 Decision): 50 points waive one month's POS service
fee of one of the merchant's terminals; for §5.3 that month's fee then counts as paid.

The redemption is a negative ``PointEntry`` (reason ``pos_fee``) linked to the month it
paid, a ``compensation.PosFeeCredit`` — a record of the payroll's app, written through
``compensation.services.pos_fee_credits``, so the monthly run reads it in the shortfall's
own query and compensation never needs to know the alliance (the app order puts
compensation below the alliance). Refused, with nothing saved: without enough points
(``points``), for a terminal that is not the merchant's (``terminal``), for a month the
terminal is not installed in, already credited, or whose payroll is final (``month``).

Who: the merchant in its portal (its own businesses), and staff who look after the
merchant (its recruiter, their head, company-wide managers). Two redemptions of the same
merchant at once are serialised on the merchant's row, so the balance cannot go below
zero.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from compensation.services.pos_fee_credits import pos_fee_credit_create
from merchants.models import Merchant, Terminal
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role

from . import selectors
from .models import PointEntry, PointReason
from .referrals import parse_month

POS_FEE_POINTS = 50


def check_may_redeem(user) -> None:
    if has_role(user, Role.MERCHANT) or selectors.may_organise(user):
        return
    raise NotPermitted(_("You may not redeem a merchant's credit points."))


def check_enough_points(balance: int, needed: int) -> None:
    if balance < needed:
        raise ApplicationError(
            _("Not enough credit points: the merchant has %(balance)d, one month's POS service fee takes %(needed)d.")
            % {"balance": balance, "needed": needed},
            field="points",
            code="not_enough_points",
        )


def redeemable_merchant(*, user, merchant_id: int):
    """The merchant among those the user sees, or ``None`` (the caller answers 404)."""
    return selectors.merchants_for_user(user).filter(pk=merchant_id).first()


def _terminal_of(merchant: Merchant, terminal) -> Terminal:
    try:
        terminal_id = int(terminal)
    except (TypeError, ValueError):
        terminal_id = None
    found = Terminal.objects.filter(pk=terminal_id, merchant=merchant).first() if terminal_id else None
    if found is None:
        raise ApplicationError(
            _("Choose one of the merchant's POS terminals."), field="terminal", code="invalid_choice"
        )
    return found


@transaction.atomic
def pos_fee_redeem(*, by, merchant: Merchant, terminal, month: str | dt.date) -> PointEntry:
    """Spend 50 of ``merchant``'s points on the POS service fee of ``terminal`` (an id) for
    ``month`` ("YYYY-MM"). ``merchant`` is one the user sees (``redeemable_merchant``)."""
    check_may_redeem(by)
    month_start = parse_month(month) if not isinstance(month, dt.date) else month.replace(day=1)
    # The balance is read under the merchant's lock: a second redemption waits for this one.
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    found = _terminal_of(merchant, terminal)
    balance = PointEntry.objects.filter(merchant=merchant).aggregate(total=Sum("points"))["total"] or 0
    check_enough_points(balance, POS_FEE_POINTS)
    credit = pos_fee_credit_create(
        terminal=found,
        month=month_start,
        source=f"alliance: {POS_FEE_POINTS} credit points of merchant {merchant.pk}",
        by=by,
    )
    return PointEntry.objects.create(
        merchant=merchant, points=-POS_FEE_POINTS, reason=PointReason.POS_FEE, fee_credit=credit
    )
