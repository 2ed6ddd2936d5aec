"""Writes of merchant money (SPEC.md §8). Keyword-only; each in a transaction, the
deposit locked while its figures move.

Deposit rules, one function each:
* ``deposit_required``: the amount due by the merchant's class at signing (dated rules).
* ``deposit_status``: due → held (received in full) → refund_due (terminated, a balance
  left) → refunded (terminated, nothing left).
* ``refund_due_date``: 30 working days (the rule set's figure) after the termination's day.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant, MerchantStatus
from workplace import rules
from workplace.calendar import SHANGHAI, add_working_days
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.roles import Role, has_role

from ..models import Deposit, DepositEntry, DepositRuleSet, DepositStatus, EntryKind, EntryStatus

_CENT = Decimal("0.01")
_MAX = Decimal("9999999999.99")
_AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$", re.ASCII)


# --- rules ---------------------------------------------------------------------------------


def deposit_required(*, merchant_class: str, on: dt.date) -> Decimal:
    return rules.in_force(DepositRuleSet, on).amount_for(merchant_class)


def deposit_status(*, required: Decimal, received: Decimal, refundable: Decimal, terminated: bool) -> str:
    if terminated:
        return DepositStatus.REFUND_DUE if refundable > 0 else DepositStatus.REFUNDED
    return DepositStatus.HELD if received >= required else DepositStatus.DUE


def refund_due_date(*, terminated_on: dt.date) -> dt.date:
    rule = rules.in_force(DepositRuleSet, terminated_on)
    return add_working_days(terminated_on, rule.refund_working_days).date


# --- input checks ------------------------------------------------------------------------------


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A positive amount in yuan with at most 2 decimals (text "123.45" or a JSON number)."""
    message = _("Enter a positive amount with at most 2 decimals, for example 20000.00.")
    if value is None or value == "":
        raise ApplicationError(_("This field is required."), field=field, code="required")
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ApplicationError(message, field=field)
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, str) and not _AMOUNT.match(text):
        raise ApplicationError(message, field=field)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ApplicationError(message, field=field) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(_CENT) or amount > _MAX:
        raise ApplicationError(message, field=field)
    return amount.quantize(_CENT)


def parse_day(value, *, field: str, today: dt.date | None = None) -> dt.date:
    """An ISO date (YYYY-MM-DD), not in the future."""
    if value is None or value == "":
        raise ApplicationError(_("This field is required."), field=field, code="required")
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ApplicationError(_("Enter a date as YYYY-MM-DD."), field=field)
    if day > (today or timezone.localdate()):
        raise ApplicationError(_("The date cannot be in the future."), field=field)
    return day


def parse_reason(value, *, field: str = "reason") -> str:
    reason = value.strip() if isinstance(value, str) else ""
    if not reason:
        raise ApplicationError(_("Please give a reason."), field=field, code="required")
    if len(reason) > 500 or any(ord(char) < 32 and char not in "\n\t" for char in reason):
        raise ApplicationError(_("Enter at most 500 characters of text."), field=field)
    return reason


# --- the deposit's life ------------------------------------------------------------------------


def _refresh_status(deposit: Deposit, terminated: bool) -> None:
    deposit.status = deposit_status(
        required=deposit.required, received=deposit.received, refundable=deposit.refundable, terminated=terminated
    )


def deposit_open(*, merchant: Merchant) -> Deposit:
    """The deposit of a merchant that has just signed (once; a second call returns it)."""
    existing = Deposit.objects.filter(merchant=merchant).first()
    if existing is not None:
        return existing
    signed_on = (merchant.signed_at or timezone.now()).astimezone(SHANGHAI).date()
    required = deposit_required(merchant_class=merchant.signed_class, on=signed_on)
    return Deposit.objects.create(
        merchant=merchant,
        required=required,
        status=deposit_status(required=required, received=Decimal("0.00"), refundable=Decimal(0), terminated=False),
    )


def deposit_terminate(*, merchant: Merchant) -> Deposit | None:
    """The merchant's contract ended: the balance is to be refunded within 30 working days."""
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().filter(merchant=merchant).first()
        if deposit is None:
            return None
        terminated_on = (merchant.terminated_at or timezone.now()).astimezone(SHANGHAI).date()
        deposit.refund_due = refund_due_date(terminated_on=terminated_on)
        _refresh_status(deposit, terminated=True)
        deposit.save(update_fields=["refund_due", "status", "updated_at"])
    return deposit


def _locked(deposit: Deposit) -> tuple[Deposit, bool]:
    locked = Deposit.objects.select_for_update().select_related("merchant").get(pk=deposit.pk)
    return locked, locked.merchant.status == MerchantStatus.TERMINATED


def _require(user, *roles: str, message: str) -> None:
    if not has_role(user, *roles):
        raise NotPermitted(message)


def deposit_receive(*, deposit: Deposit, by, amount, received_on) -> Deposit:
    """Finance records money received from the merchant (not more than is still owed)."""
    _require(by, Role.FINANCE, message=_("Only finance records deposit receipts."))
    amount = parse_amount(amount)
    day = parse_day(received_on, field="received_on")
    with transaction.atomic():
        deposit, terminated = _locked(deposit)
        if terminated:
            raise InvalidTransition(_("The merchant is terminated; its deposit is no longer collected."))
        outstanding = deposit.required - deposit.received
        if amount > outstanding:
            raise ApplicationError(
                _("At most %(amount)s is still owed.") % {"amount": f"{max(outstanding, Decimal(0)):.2f}"},
                field="amount",
                code="too_much",
            )
        deposit.received += amount
        _refresh_status(deposit, terminated)
        deposit.save(update_fields=["received", "status", "updated_at"])
        DepositEntry.objects.create(
            deposit=deposit, kind=EntryKind.RECEIPT, amount=amount, on=day, recorded_by=by, recorded_at=timezone.now()
        )
    return deposit


def _pending_deductions(deposit: Deposit) -> Decimal:
    total = Decimal("0.00")
    for amount in deposit.entries.filter(kind=EntryKind.DEDUCTION, status=EntryStatus.PENDING).values_list(
        "amount", flat=True
    ):
        total += amount
    return total


def deposit_deduct(*, deposit: Deposit, by, amount, reason) -> DepositEntry:
    """A deduction for a breach, with its reason. Finance proposes it (pending until the
    general manager approves); the general manager's own deduction is approved at once."""
    _require(by, Role.FINANCE, Role.GENERAL_MANAGER, message=_("Only finance or the general manager deduct deposits."))
    amount = parse_amount(amount)
    reason = parse_reason(reason)
    with transaction.atomic():
        deposit, terminated = _locked(deposit)
        if deposit.status == DepositStatus.REFUNDED:
            raise InvalidTransition(_("The deposit has been refunded; nothing is left to deduct."))
        available = deposit.refundable - _pending_deductions(deposit)
        if amount > available:
            raise ApplicationError(
                _("At most %(amount)s can be deducted.") % {"amount": f"{max(available, Decimal(0)):.2f}"},
                field="amount",
                code="too_much",
            )
        now = timezone.now()
        by_gm = has_role(by, Role.GENERAL_MANAGER)
        entry = DepositEntry.objects.create(
            deposit=deposit,
            kind=EntryKind.DEDUCTION,
            amount=amount,
            on=timezone.localdate(),
            reason=reason,
            status=EntryStatus.APPROVED if by_gm else EntryStatus.PENDING,
            recorded_by=by,
            recorded_at=now,
            decided_by=by if by_gm else None,
            decided_at=now if by_gm else None,
        )
        if by_gm:
            _apply_deduction(deposit, amount, terminated)
    return entry


def _apply_deduction(deposit: Deposit, amount: Decimal, terminated: bool) -> None:
    deposit.deducted += amount
    _refresh_status(deposit, terminated)
    deposit.save(update_fields=["deducted", "status", "updated_at"])


def deduction_decide(*, deposit: Deposit, entry_id, by, approve: bool) -> DepositEntry:
    """The general manager approves (or rejects) a pending deduction."""
    _require(by, Role.GENERAL_MANAGER, message=_("Only the general manager approves deductions."))
    if isinstance(entry_id, bool) or not isinstance(entry_id, int):
        raise ApplicationError(_("Name the pending deduction by its id."), field="entry")
    with transaction.atomic():
        deposit, terminated = _locked(deposit)
        entry = (
            DepositEntry.objects.select_for_update()
            .filter(pk=entry_id, deposit=deposit, kind=EntryKind.DEDUCTION)
            .first()
        )
        if entry is None:
            raise ApplicationError(_("No such deduction of this deposit."), field="entry", code="not_found")
        if entry.status != EntryStatus.PENDING:
            raise InvalidTransition(_("This deduction has already been decided."))
        if approve and entry.amount > deposit.refundable:
            raise InvalidTransition(_("The deposit no longer holds this amount."))
        entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        entry.decided_by = by
        entry.decided_at = timezone.now()
        entry.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            _apply_deduction(deposit, entry.amount, terminated)
    return entry


def deposit_refund(*, deposit: Deposit, by, amount, refunded_on) -> Deposit:
    """Finance records the refund of the balance after termination (interest-free)."""
    _require(by, Role.FINANCE, message=_("Only finance records deposit refunds."))
    amount = parse_amount(amount)
    day = parse_day(refunded_on, field="refunded_on")
    with transaction.atomic():
        deposit, terminated = _locked(deposit)
        if not terminated:
            raise InvalidTransition(_("A deposit is refunded only after the merchant's termination."))
        available = deposit.refundable - _pending_deductions(deposit)
        if amount > available:
            raise ApplicationError(
                _("At most %(amount)s can be refunded.") % {"amount": f"{max(available, Decimal(0)):.2f}"},
                field="amount",
                code="too_much",
            )
        deposit.refunded += amount
        _refresh_status(deposit, terminated)
        deposit.save(update_fields=["refunded", "status", "updated_at"])
        DepositEntry.objects.create(
            deposit=deposit, kind=EntryKind.REFUND, amount=amount, on=day, recorded_by=by, recorded_at=timezone.now()
        )
    return deposit
