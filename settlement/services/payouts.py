"""Finance's moves of a closed statement and the settlement disputes (SPEC.md §8).

A statement's status moves by the table ``STATEMENT_TRANSITIONS`` (the daily job makes an
open statement payable, or held when a line has no rate; finance pays a payable one on or
after its payable day, holds a payable one with a reason, and releases a held one back to
payable). The figures of a payable statement never change: only the status and the
payout's or the hold's who/when/why (every change is in the audit trail too). The one
exception is a statement the job held for want of a rate (``held_for = no_rate``): it was
never payable, and its release prices its unpriced lines at the rate now in force on their
day and completes its figures (refused, 409, while there is still no rate).

Who (**Decision**, issue 11): finance alone pays, holds and releases statements, and
opens and closes disputes — it holds the money and answers for the payout. A dispute does
not take money from the merchant, it only holds an amount back until it is resolved, like
finance's hold of a statement, so it needs no general manager's approval (a deposit
deduction does). The general manager, admins, recruiters and heads read statements and
disputes in their scope; a merchant reads its own.

A dispute (an amount of a merchant's day) is held out of that day's statement at once
(``dispute_hold`` line), and its closing enters the statement of the closing day
(``dispute_release`` line), both through ``settling.settle`` for that merchant only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.roles import Role, has_role

from ..models import (
    CardTransaction,
    HoldReason,
    SettlementDispute,
    Statement,
    StatementLine,
    StatementStatus,
)
from . import settling
from .deposits import parse_amount, parse_day, parse_reason

STATEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    StatementStatus.OPEN: frozenset({StatementStatus.PAYABLE, StatementStatus.HELD}),
    StatementStatus.PAYABLE: frozenset({StatementStatus.PAID, StatementStatus.HELD}),
    StatementStatus.HELD: frozenset({StatementStatus.PAYABLE}),
    StatementStatus.PAID: frozenset(),
}

FINANCE_ROLES = (Role.FINANCE,)
NOTE_MAX = 2000


def may_move_money(user) -> bool:
    """Finance: pays, holds, releases, opens and closes disputes (as with deposits, the role
    decides, not a superuser flag: an administrator keeps the rules, not the money)."""
    return bool(user and user.is_authenticated and has_role(user, *FINANCE_ROLES))


def _require_finance(user, message: str) -> None:
    if not may_move_money(user):
        raise NotPermitted(message)


def _refuse(statement: Statement, to_status: str) -> InvalidTransition:
    return InvalidTransition(
        _("A statement that is %(status)s cannot become %(to)s.")
        % {"status": StatementStatus(statement.status).label, "to": StatementStatus(to_status).label}
    )


def _move(statement: Statement, to_status: str, *, fields: dict | None = None, check=None) -> Statement:
    """Move a statement under its row lock; ``check(locked)`` runs first and may refuse."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if to_status not in STATEMENT_TRANSITIONS[statement.status] or statement.status == StatementStatus.OPEN:
            raise _refuse(statement, to_status)
        if check is not None:
            check(statement)
        statement.status = to_status
        for name, value in (fields or {}).items():
            setattr(statement, name, value)
        statement.save(update_fields=["status", *(fields or {})])
    return statement


def statement_pay(*, statement: Statement, by, today: dt.date | None = None) -> Statement:
    """Finance records the payout of a payable statement, on or after its payable day."""
    _require_finance(by, _("Only finance records statement payouts."))
    today = today or timezone.localdate()

    def on_or_after_payable_day(locked: Statement) -> None:
        if today < locked.payable_on:
            raise InvalidTransition(
                _("This statement is payable on %(date)s, not before.") % {"date": locked.payable_on.isoformat()},
                code="not_yet_payable",
            )

    return _move(
        statement,
        StatementStatus.PAID,
        fields={"paid_at": timezone.now(), "paid_by": by},
        check=on_or_after_payable_day,
    )


def statement_hold(*, statement: Statement, by, reason) -> Statement:
    """Finance holds the payout of a payable statement, saying why."""
    _require_finance(by, _("Only finance holds statement payouts."))
    reason = parse_reason(reason)
    return _move(
        statement,
        StatementStatus.HELD,
        fields={"held_for": HoldReason.FINANCE, "hold_note": reason, "held_at": timezone.now(), "held_by": by},
    )


def statement_release(*, statement: Statement, by) -> Statement:
    """Finance releases a held statement: payable again. One held for want of a rate first
    takes the rate now in force on each unpriced line's day (refused while there is none)."""
    _require_finance(by, _("Only finance releases held statements."))

    def priced(locked: Statement) -> None:
        if locked.held_for == HoldReason.NO_RATE:
            price_unpriced_lines(locked)

    return _move(
        statement,
        StatementStatus.PAYABLE,
        fields={"held_for": "", "hold_note": "", "held_at": None, "held_by": None},
        check=priced,
    )


def price_unpriced_lines(statement: Statement) -> None:
    """The lines of ``statement`` without a rate take the rate in force on their day (the
    agreed rate, else the category standard, with the promotion and grade A as the job
    applies them); its own day's rate and its figures are completed."""
    lines = list(StatementLine.objects.filter(statement=statement, rate__isnull=True).order_by("day", "id"))
    book = settling.RateBook([statement.merchant_id])
    missing = sorted({line.day for line in lines if book.rate(statement.merchant_id, line.day).rate is None})
    if missing:
        raise InvalidTransition(
            _(
                "No commission rate is in force on %(days)s for this merchant (no agreed rate and no standard "
                "of its category): an administrator must enter the standard before the statement is released."
            )
            % {"days": ", ".join(day.isoformat() for day in missing)},
            field="rate",
            code="no_rate",
        )
    for line in lines:
        line.rate = book.rate(statement.merchant_id, line.day).rate
    StatementLine.objects.bulk_update(lines, ["rate"])
    own = book.rate(statement.merchant_id, statement.period_start)
    if own.rate is not None and statement.rate is None:
        Statement.objects.filter(pk=statement.pk).update(
            rate=own.rate, promotion_applied=own.promotion, discount_applied=own.discount, rule_set=own.rule_set
        )
    settling.refresh_figures([statement.pk], status=StatementStatus.HELD)


def dispute_open(*, merchant, by, day, amount, reason, today: dt.date | None = None) -> SettlementDispute:
    """Finance opens a dispute over an amount of a merchant's day: not more than the day's
    card consumption less the amounts already disputed; held out of that day's statement
    (or, when it is already closed, out of the merchant's next open statement)."""
    _require_finance(by, _("Only finance opens settlement disputes."))
    today = today or timezone.localdate()
    day = parse_day(day, field="day", today=today)
    amount = parse_amount(amount)
    reason = parse_reason(reason)
    with transaction.atomic():
        type(merchant).objects.select_for_update().filter(pk=merchant.pk).first()
        consumed = CardTransaction.objects.filter(merchant=merchant, date=day).aggregate(total=Sum("amount"))[
            "total"
        ] or Decimal("0.00")
        disputed = SettlementDispute.objects.filter(merchant=merchant, day=day).aggregate(total=Sum("amount"))[
            "total"
        ] or Decimal("0.00")
        room = consumed - disputed
        if amount > room:
            raise ApplicationError(
                _("At most %(amount)s of this day's card consumption can still be disputed.")
                % {"amount": f"{max(room, Decimal('0.00')):.2f}"},
                field="amount",
                code="too_much",
            )
        dispute = SettlementDispute.objects.create(
            merchant=merchant, day=day, amount=amount, reason=reason, opened_by=by
        )
        settling.settle(through=today, close=False, merchant_ids=[merchant.pk])
    return dispute


def parse_note(value, *, field: str = "note") -> str:
    """An optional note: text of at most ``NOTE_MAX`` characters, no control characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApplicationError(_("Enter text."), field=field)
    note = value.strip()
    if len(note) > NOTE_MAX or any(ord(char) < 32 and char not in "\n\t" for char in note):
        raise ApplicationError(_("Enter at most 2000 characters of text."), field=field)
    return note


def dispute_close(*, dispute: SettlementDispute, by, note="", today: dt.date | None = None) -> SettlementDispute:
    """Finance closes a dispute: its amount enters the merchant's statement of the closing
    day (a ``dispute_release`` line)."""
    _require_finance(by, _("Only finance closes settlement disputes."))
    today = today or timezone.localdate()
    note = parse_note(note)
    with transaction.atomic():
        dispute = SettlementDispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.closed_on is not None:
            raise InvalidTransition(_("This dispute is already closed."))
        dispute.closed_on = today
        dispute.closed_at = timezone.now()
        dispute.closed_by = by
        dispute.close_note = note
        dispute.save(update_fields=["closed_on", "closed_at", "closed_by", "close_note"])
        settling.settle(through=today, close=False, merchant_ids=[dispute.merchant_id])
    return dispute
