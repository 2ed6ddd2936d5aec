"""Finance's moves of a closed statement and the settlement disputes (SPEC.md §8).

A statement's status moves by the table ``STATEMENT_TRANSITIONS`` (the daily job makes an
open statement payable; finance pays a payable one on or after its payable day, holds a
payable one, and releases a held one back to payable). The figures never change: only the
status and the payout's who/when. Each move is kept in the audit trail (who, when).

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

from ..models import CardTransaction, SettlementDispute, Statement, StatementStatus
from . import settling
from .deposits import parse_amount, parse_day, parse_reason

STATEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    StatementStatus.OPEN: frozenset({StatementStatus.PAYABLE}),
    StatementStatus.PAYABLE: frozenset({StatementStatus.PAID, StatementStatus.HELD}),
    StatementStatus.HELD: frozenset({StatementStatus.PAYABLE}),
    StatementStatus.PAID: frozenset(),
}

FINANCE_ROLES = (Role.FINANCE, Role.ADMIN)


def _require_finance(user, message: str) -> None:
    if not (user.is_superuser or has_role(user, *FINANCE_ROLES)):
        raise NotPermitted(message)


def _move(statement: Statement, to_status: str, *, fields: dict | None = None) -> Statement:
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if to_status not in STATEMENT_TRANSITIONS[statement.status]:
            raise InvalidTransition(
                _("A statement that is %(status)s cannot become %(to)s.")
                % {
                    "status": StatementStatus(statement.status).label,
                    "to": StatementStatus(to_status).label,
                }
            )
        statement.status = to_status
        for name, value in (fields or {}).items():
            setattr(statement, name, value)
        statement.save(update_fields=["status", *(fields or {})])
    return statement


def statement_pay(*, statement: Statement, by, today: dt.date | None = None) -> Statement:
    """Finance records the payout of a payable statement, on or after its payable day."""
    _require_finance(by, _("Only finance records statement payouts."))
    today = today or timezone.localdate()
    if statement.status == StatementStatus.PAYABLE and today < statement.payable_on:
        raise InvalidTransition(
            _("This statement is payable on %(date)s, not before.") % {"date": statement.payable_on.isoformat()}
        )
    return _move(statement, StatementStatus.PAID, fields={"paid_at": timezone.now(), "paid_by": by})


def statement_hold(*, statement: Statement, by) -> Statement:
    """Finance holds the payout of a payable statement."""
    _require_finance(by, _("Only finance holds statement payouts."))
    return _move(statement, StatementStatus.HELD)


def statement_release(*, statement: Statement, by) -> Statement:
    """Finance releases a held statement: payable again."""
    _require_finance(by, _("Only finance releases held statements."))
    return _move(statement, StatementStatus.PAYABLE)


def dispute_open(*, merchant, by, day, amount, reason, today: dt.date | None = None) -> SettlementDispute:
    """Finance opens a dispute over an amount of a merchant's day: not more than the day's
    card consumption less the amounts already disputed; held out of that day's statement
    (or, when it is already payable, out of the merchant's next open statement)."""
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


def dispute_close(*, dispute: SettlementDispute, by, note="", today: dt.date | None = None) -> SettlementDispute:
    """Finance closes a dispute: its amount enters the merchant's statement of the closing
    day (a ``dispute_release`` line)."""
    _require_finance(by, _("Only finance closes settlement disputes."))
    today = today or timezone.localdate()
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 2000:
        raise ApplicationError(_("Enter at most 2000 characters of text."), field="note")
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
