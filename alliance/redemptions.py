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

Priority in an oversubscribed activity (SPEC.md §9 "or priority in oversubscribed
activities"; SPEC gives no price — issue 12 decision): the merchant invited to an
activity whose places are all taken spends the ``PriorityPrice`` in force (20 points by
default) and is then ranked right after grade A merchants (``alliance.priority``) for a
freed place. A negative ``PointEntry`` (reason ``priority``, the activity) is the receipt;
the participation records ``priority_at``. Only the merchant itself buys it, once per
activity (also a unique index), never refunded. Refused, nothing saved: without enough
points (``points``), when the activity is not oversubscribed, when the merchant already
takes part in it or already bought priority (``activity``); an activity that is over is a
409.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.services.pos_fee_credits import pos_fee_credit_create
from merchants.models import Merchant, Terminal
from workplace import rules
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role

from . import priority, selectors, services
from .models import Activity, Participation, PointEntry, PointReason, PriorityPrice
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


# --- priority in an oversubscribed activity -----------------------------------------------------


def priority_price_on(day: dt.date) -> int:
    """The credit points priority costs on ``day`` (the dated ``PriorityPrice``)."""
    return rules.in_force(PriorityPrice, day).points


def check_may_buy_priority(user) -> None:
    if not has_role(user, Role.MERCHANT):
        raise NotPermitted(_("Only the invited merchant buys priority in an activity."))


def check_priority_wanted(participation: Participation, activity: Activity, taken: int) -> None:
    """Priority is bought once, by a merchant without a place, in an oversubscribed activity."""
    if participation.priority_at is not None:
        raise ApplicationError(
            _("Priority in this activity is already bought."), field="activity", code="already_bought"
        )
    if participation.accepted_at is not None:
        raise ApplicationError(
            _("You already take part in this activity: priority is for merchants waiting for a place."),
            field="activity",
            code="already_taking_part",
        )
    if not priority.is_oversubscribed(activity, taken):
        raise ApplicationError(
            _("The activity is not oversubscribed: priority is sold only when every place is taken."),
            field="activity",
            code="not_oversubscribed",
        )


def check_enough_points_for_priority(balance: int, needed: int) -> None:
    if balance < needed:
        raise ApplicationError(
            _("Not enough credit points: the merchant has %(balance)d, priority in an activity takes %(needed)d.")
            % {"balance": balance, "needed": needed},
            field="points",
            code="not_enough_points",
        )


@transaction.atomic
def priority_buy(*, by, activity: Activity, merchant_id: int | None = None) -> PointEntry:
    """The invited merchant of ``by`` spends the priority price on ``activity`` (one the
    user sees): ranked right after grade A merchants for a freed place from now on."""
    check_may_buy_priority(by)
    # Locks as the answers take them: the activity, the invitation, then the merchant.
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    participation = services.participation_for(activity, by, merchant_id)
    today = timezone.localdate()
    services.check_open_for_answers(activity, today)
    taken = activity.participations.filter(accepted_at__isnull=False).count()
    check_priority_wanted(participation, activity, taken)
    merchant = Merchant.objects.select_for_update().get(pk=participation.merchant_id)
    price = priority_price_on(today)
    balance = PointEntry.objects.filter(merchant=merchant).aggregate(total=Sum("points"))["total"] or 0
    check_enough_points_for_priority(balance, price)
    participation.priority_at = timezone.now()
    participation.save(update_fields=["priority_at"])
    return PointEntry.objects.create(merchant=merchant, activity=activity, points=-price, reason=PointReason.PRIORITY)
