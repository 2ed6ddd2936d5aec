"""Prepaid-card consumption in (``POST /api/v1/card-transactions/``, API.md "Merchant
money"): the card system posts each merchant's daily consumption as rows
``{"merchant", "date", "amount", "reference"}``.

Idempotent on ``reference`` (the card system's key): a row whose reference is on file
with the same merchant, day and amount changes nothing (counted ``unchanged``); with other
figures it is an error (a recorded transaction is never rewritten; a correction is a new
reference). All or nothing: one bad row and nothing is saved, the 400 listing every row at
fault (``{"rows": [{"index", "errors": {field: [messages]}}]}``).

Three queries to check a batch whatever its size (the merchants named, locked in id order
so batches naming the same merchants run one after the other; the references on file),
one to write it (``INSERT … ON CONFLICT (reference) DO NOTHING``), one for the audit
entries the bulk write skips.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace import batches
from workplace.batches import BatchInvalid, RowError, RowsInvalid, required
from workplace.batches import parse_amount as batch_amount
from workplace.calendar import SHANGHAI
from workplace.exceptions import Conflict, NotPermitted
from workplace.roles import Role, has_role

from ..models import CardTransaction

MAX_ROWS = 5000
"""The most rows one call may carry."""

FIELDS = ("merchant", "date", "amount", "reference")
PERMISSION = "settlement.add_cardtransaction"

_MAX_WHOLE_DIGITS = 10
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


# The batch's errors (workplace.batches), under this module's names.
CardRowsInvalid = RowsInvalid
CardBatchInvalid = BatchInvalid


# --- one field at a time ----------------------------------------------------------------------


def parse_merchant(value) -> int:
    required(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise RowError(_("Enter a merchant id (a whole number)."))
    return value


def parse_date(value, *, today: dt.date) -> dt.date:
    required(value)
    day = None
    if isinstance(value, str) and _DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise RowError(_("Enter a date as YYYY-MM-DD."))
    if day > today:
        raise RowError(_("The date cannot be in the future."))
    return day


def parse_amount(value) -> Decimal:
    """Yuan consumed: not negative, at most 2 decimals and 10 digits before the point."""
    return batch_amount(
        value,
        negative=_("An amount cannot be negative."),
        not_a_number=_("Enter an amount, for example 1234.50."),
        whole_digits=_MAX_WHOLE_DIGITS,
    )


def parse_reference(value) -> str:
    required(value)
    if not isinstance(value, str):
        raise RowError(_("Enter the reference as text."))
    value = value.strip()
    if not value:
        raise RowError(_("This field is required."))
    if len(value) > 64:
        raise RowError(_("At most %(count)d characters.") % {"count": 64})
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise RowError(_("Enter the reference as text."))
    return value


# --- a batch --------------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    index: int
    merchant_id: int | None = None
    date: dt.date | None = None
    amount: Decimal | None = None
    reference: str | None = None
    existing: CardTransaction | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


@dataclass
class Plan:
    rows: list[PlannedRow]

    @property
    def errors(self) -> list[dict]:
        return [{"index": row.index, "errors": row.errors} for row in self.rows if row.errors]

    @property
    def new(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.existing is None]


def check_batch(rows) -> None:
    batches.check_batch(rows, max_rows=MAX_ROWS, shape='[{"merchant", "date", "amount", "reference"}, ...]')


def plan_card_rows(rows: Sequence, *, today: dt.date | None = None, lock: bool = False) -> Plan:
    """Check every row and find what is on file; a fixed number of queries."""
    today = today or timezone.localdate()
    planned = []
    for index, raw in enumerate(rows):
        row = PlannedRow(index=index)
        planned.append(row)
        if not isinstance(raw, Mapping):
            row.error("non_field_errors", _("Each row must be an object with merchant, date, amount and reference."))
            continue
        for name, parse in (
            ("merchant", parse_merchant),
            ("date", lambda value: parse_date(value, today=today)),
            ("amount", parse_amount),
            ("reference", parse_reference),
        ):
            try:
                value = parse(raw.get(name))
            except RowError as error:
                row.error(name, error.message)
            else:
                setattr(row, "merchant_id" if name == "merchant" else name, value)

    merchant_ids = {row.merchant_id for row in planned if row.merchant_id is not None}
    merchants = {}
    if merchant_ids:
        query = Merchant.objects.filter(pk__in=merchant_ids).only("pk", "signed_at")
        query = query.select_for_update().order_by("pk") if lock else query.order_by()
        merchants = {merchant.pk: merchant for merchant in query}
    for row in planned:
        if row.merchant_id is None:
            continue
        merchant = merchants.get(row.merchant_id)
        if merchant is None or merchant.signed_at is None:
            row.error("merchant", _("No signed merchant has the id %(id)s.") % {"id": row.merchant_id})
        elif row.date is not None and row.date < merchant.signed_at.astimezone(SHANGHAI).date():
            row.error(
                "date",
                _("The merchant signed on %(date)s: it has no card consumption before.")
                % {"date": merchant.signed_at.astimezone(SHANGHAI).date().isoformat()},
            )

    references = {row.reference for row in planned if row.reference is not None}
    on_file = (
        {tx.reference: tx for tx in CardTransaction.objects.filter(reference__in=references).order_by()}
        if references
        else {}
    )
    first_of: dict[str, int] = {}
    for row in planned:
        if row.reference is None:
            continue
        if row.reference in first_of:
            row.error(
                "reference",
                _("Row %(index)s already has the reference %(reference)s.")
                % {"index": first_of[row.reference], "reference": row.reference},
            )
            continue
        first_of[row.reference] = row.index
        row.existing = on_file.get(row.reference)
        if row.existing is not None and not row.errors:
            same = (row.existing.merchant_id, row.existing.date, row.existing.amount) == (
                row.merchant_id,
                row.date,
                row.amount,
            )
            if not same:
                row.error(
                    "reference",
                    _("The reference %(reference)s is on file with another merchant, date or amount.")
                    % {"reference": row.reference},
                )
    order = {name: position for position, name in enumerate((*FIELDS, "non_field_errors"))}
    for row in planned:
        if len(row.errors) > 1:
            row.errors = dict(sorted(row.errors.items(), key=lambda item: order[item[0]]))
    return Plan(rows=planned)


def _audit(records: list[CardTransaction], *, user) -> None:
    """The audit entries the bulk write skipped, in one query."""
    if not records:
        return
    content_type = ContentType.objects.get_for_model(CardTransaction)
    context = auditlog_value.get(None) or {}
    actor = user if user is not None and user.is_authenticated else None
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=content_type,
            object_pk=str(record.pk),
            object_id=record.pk,
            object_repr=str(record)[:255],
            action=LogEntry.Action.CREATE,
            changes={
                "merchant": ["None", str(record.merchant_id)],
                "date": ["None", record.date.isoformat()],
                "amount": ["None", str(record.amount)],
                "reference": ["None", record.reference],
            },
            changes_text="",
            actor=actor,
            actor_email=getattr(actor, "email", None) or None,
            remote_addr=context.get("remote_addr"),
            remote_port=context.get("remote_port"),
        )
        for record in records
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def card_transactions_import(*, user, rows, today: dt.date | None = None) -> ImportResult:
    """Record the rows' transactions, all or nothing (finance and admins)."""
    if has_role(user, Role.MERCHANT) or not user.has_perm(PERMISSION):
        raise NotPermitted(_("You may not record card transactions."))
    check_batch(rows)
    with transaction.atomic():
        plan = plan_card_rows(rows, today=today, lock=True)
        if plan.errors:
            raise CardRowsInvalid(plan.errors)
        new = plan.new
        try:
            with transaction.atomic():
                records = CardTransaction.objects.bulk_create(
                    [
                        CardTransaction(
                            merchant_id=row.merchant_id,
                            date=row.date,
                            amount=row.amount,
                            reference=row.reference,
                            created_by=user if user.is_authenticated else None,
                        )
                        for row in new
                    ]
                )
        except IntegrityError:
            # Another batch recorded one of these references (for another merchant) meanwhile.
            raise Conflict(
                _("Another import recorded some of these references meanwhile; send the batch again.")
            ) from None
        _audit(records, user=user)
    return ImportResult(created=len(new), unchanged=len(plan.rows) - len(new))
