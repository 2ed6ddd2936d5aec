"""Terminal profits (分润) in: the POS system's bulk upsert (``POST /api/v1/profit-records/``)
and the back office's file import (``compensation.profit_import``) share these functions.

A batch is a list of rows ``{"terminal_serial", "month" ("YYYY-MM"), "profit" ("12.34")}``.
Each row is checked by plain functions (``parse_serial``, ``parse_month``,
``parse_profit``, then the checks that need the terminal: known serial, a month not
before the terminal's installation, one row per terminal and month in the batch);
``plan_profit_rows`` does them all for a batch in two queries (the terminals by serial,
their existing records) and says for each row whether it will create or update a record.
``profit_records_upsert`` saves a plan all-or-nothing: one bad row and nothing is saved.

The write is one ``INSERT … ON CONFLICT (terminal, month) DO UPDATE`` for the whole
batch, so the number of queries does not grow with the rows and a racing insert of the
same pair cannot fail on the unique constraint. The created/updated counts come from the
records read before the write, in the same transaction, after locking the batch's
terminals: two batches naming the same terminals are serialised and both count right. Bulk writes skip django-auditlog's
signals, so the audit entries (a creation, or a change of the figure) are written here,
in one query too.
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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Terminal
from workplace import batches
from workplace.batches import BatchInvalid, RowError, RowsInvalid, parse_amount, required
from workplace.exceptions import NotPermitted

from ..models import ProfitRecord, ProfitSource

MAX_ROWS = 5000
"""The most rows one API call may carry."""

MAX_FILE_ROWS = 20000
"""The most rows one imported file may carry (a month of every terminal at once)."""

FIELDS = ("terminal_serial", "month", "profit")
PERMISSION = "compensation.add_profitrecord"

# ProfitRecord.profit: max_digits=12, decimal_places=2.
_MAX_WHOLE_DIGITS = 10
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


# The batch's errors (workplace.batches), under the names this module has always given them.
ProfitRowsInvalid = RowsInvalid
ProfitBatchInvalid = BatchInvalid


# --- one field at a time --------------------------------------------------------------------


def parse_serial(value) -> str:
    """A terminal's serial number: text, not blank (surrounding spaces are ignored)."""
    required(value)
    if not isinstance(value, str):
        raise RowError(_("Enter the serial number as text."))
    value = value.strip()
    if not value:
        raise RowError(_("This field may not be blank."))
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        # Control characters (NUL among them, which PostgreSQL cannot even compare)
        # are in no serial number.
        raise RowError(_("Enter the serial number as text."))
    return value


def parse_month(value, *, today: dt.date) -> dt.date:
    """``"YYYY-MM"`` → the first day of that month; not after the current month."""
    required(value)
    match = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise RowError(_("Enter a month as YYYY-MM, for example 2026-10."))
    month = dt.date(int(match[1]), int(match[2]), 1)
    if month > today.replace(day=1):
        raise RowError(
            _("%(month)s has not begun yet; profits are for the current or past months.") % {"month": value.strip()}
        )
    return month


def parse_profit(value) -> Decimal:
    """A profit in yuan: not negative, at most 2 decimals and 10 digits before the point."""
    return parse_amount(
        value,
        negative=_("A profit cannot be negative."),
        not_a_number=_("Enter a number, for example 12.34."),
        whole_digits=_MAX_WHOLE_DIGITS,
    )


def check_installed(terminal: Terminal, month: dt.date) -> None:
    """No profit for a month before the terminal was installed: it was not there yet."""
    if month < terminal.installed_on.replace(day=1):
        raise RowError(
            _("Terminal %(serial)s was installed on %(date)s: it has no profit before %(month)s.")
            % {
                "serial": terminal.serial,
                "date": terminal.installed_on.isoformat(),
                "month": f"{terminal.installed_on:%Y-%m}",
            }
        )


# --- a whole batch ------------------------------------------------------------------------------


class Action:
    CREATE = "create"
    UPDATE = "update"


@dataclass
class PlannedRow:
    index: int
    serial: str | None = None
    month: dt.date | None = None
    profit: Decimal | None = None
    terminal: Terminal | None = None
    existing: ProfitRecord | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return Action.UPDATE if self.existing is not None else Action.CREATE

    @property
    def old_profit(self) -> Decimal | None:
        return self.existing.profit if self.existing is not None else None

    @property
    def changed(self) -> bool:
        return self.existing is None or self.existing.profit != self.profit


@dataclass
class Plan:
    rows: list[PlannedRow]

    @property
    def errors(self) -> list[dict]:
        """``[{"index", "errors": {field: [messages]}}]`` for the rows at fault."""
        return [{"index": row.index, "errors": row.errors} for row in self.rows if row.errors]

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.action == Action.CREATE)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.action == Action.UPDATE)


def check_batch(rows) -> None:
    """The batch itself: a non-empty list of at most ``MAX_ROWS`` rows."""
    batches.check_batch(rows, max_rows=MAX_ROWS, shape='[{"terminal_serial", "month", "profit"}, ...]')


def plan_profit_rows(
    rows: Sequence, *, today: dt.date | None = None, indexes: Sequence[int] | None = None, lock: bool = False
) -> Plan:
    """Check every row and say what saving it would do. Two queries whatever the number of
    rows: the terminals named, and their records for the months named. ``indexes`` are the
    numbers shown for the rows (the position in the list by default; the file import
    passes its line numbers).

    ``lock`` (inside a transaction, before a save): the terminals are locked in id order,
    so two batches naming the same terminals run one after the other and the second reads
    the records the first wrote (its created/updated counts stay exact)."""
    today = today or timezone.localdate()
    planned = []
    for position, raw in enumerate(rows):
        row = PlannedRow(index=indexes[position] if indexes is not None else position)
        planned.append(row)
        if not isinstance(raw, Mapping):
            row.errors["non_field_errors"] = [_("Each row must be an object with terminal_serial, month and profit.")]
            continue
        for name, parse in (
            ("terminal_serial", parse_serial),
            ("month", lambda value: parse_month(value, today=today)),
            ("profit", parse_profit),
        ):
            try:
                value = parse(raw.get(name))
            except RowError as error:
                row.errors[name] = [error.message]
            else:
                setattr(row, {"terminal_serial": "serial"}.get(name, name), value)

    serials = {row.serial for row in planned if row.serial}
    terminals = {}
    if serials:
        query = Terminal.objects.filter(serial__in=serials).select_related("merchant")
        if lock:
            query = query.select_for_update(of=("self",)).order_by("pk")
        else:
            query = query.order_by()
        terminals = {terminal.serial: terminal for terminal in query}
    first_of: dict[tuple[str, dt.date], int] = {}
    for row in planned:
        if row.serial is None:
            continue
        row.terminal = terminals.get(row.serial)
        if row.terminal is None:
            row.errors.setdefault("terminal_serial", []).append(
                _("No terminal has the serial number %(serial)s.") % {"serial": row.serial}
            )
            continue
        if row.month is None:
            continue
        try:
            check_installed(row.terminal, row.month)
        except RowError as error:
            row.errors.setdefault("month", []).append(error.message)
        key = (row.serial, row.month)
        if key in first_of:
            row.errors.setdefault("non_field_errors", []).append(
                _("Row %(index)s already gives terminal %(serial)s for %(month)s.")
                % {"index": first_of[key], "serial": row.serial, "month": f"{row.month:%Y-%m}"}
            )
        else:
            first_of[key] = row.index

    wanted = [row for row in planned if row.terminal is not None and row.month is not None]
    if wanted:
        existing = {
            (record.terminal_id, record.month): record
            for record in ProfitRecord.objects.filter(
                terminal_id__in={row.terminal.pk for row in wanted}, month__in={row.month for row in wanted}
            ).order_by()
        }
        for row in wanted:
            row.existing = existing.get((row.terminal.pk, row.month))
    order = {name: position for position, name in enumerate((*FIELDS, "non_field_errors"))}
    for row in planned:
        if len(row.errors) > 1:
            row.errors = dict(sorted(row.errors.items(), key=lambda item: order[item[0]]))
    return Plan(rows=planned)


def _audit(records_before: list[tuple[ProfitRecord, Decimal | None]], *, user) -> None:
    """The audit entries the bulk write skipped (one query): a creation, or the figure's change."""
    content_type = ContentType.objects.get_for_model(ProfitRecord)
    context = auditlog_value.get(None) or {}
    actor = user if user is not None and user.is_authenticated else None
    entries = []
    for record, old in records_before:
        created = old is None
        changes = {"profit": ["None" if created else str(old), str(record.profit)]}
        if created:
            changes.update(
                terminal=["None", str(record.terminal_id)],
                month=["None", record.month.isoformat()],
                source=["None", record.source],
            )
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(record.pk),
                object_id=record.pk,
                object_repr=str(record)[:255],
                action=LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE,
                changes=changes,
                changes_text="",
                actor=actor,
                actor_email=getattr(actor, "email", None) or None,
                remote_addr=context.get("remote_addr"),
                remote_port=context.get("remote_port"),
            )
        )
    if entries:
        LogEntry.objects.bulk_create(entries)


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int


def profit_plan_save(*, plan: Plan, source: str, user) -> UpsertResult:
    """Save a checked plan (no row in error) in one upsert; call inside a transaction."""
    if plan.errors:
        raise ProfitRowsInvalid(plan.errors)
    now = timezone.now()
    records = [
        ProfitRecord(terminal=row.terminal, month=row.month, profit=row.profit, source=source, updated_at=now)
        for row in plan.rows
    ]
    saved = ProfitRecord.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["terminal", "month"],
        update_fields=["profit", "source", "updated_at"],
    )
    _audit([(record, row.old_profit) for record, row in zip(saved, plan.rows, strict=True) if row.changed], user=user)
    return UpsertResult(created=plan.created, updated=plan.updated)


def profit_records_upsert(*, user, rows, source: str = ProfitSource.API, today: dt.date | None = None) -> UpsertResult:
    """Create or update one record per (terminal, month) of ``rows``, all or nothing.

    Raises ``NotPermitted`` without ``compensation.add_profitrecord``, ``ProfitBatchInvalid``
    for a batch that is not a non-empty list of at most ``MAX_ROWS`` rows and
    ``ProfitRowsInvalid`` (the rows at fault, each with its errors) when any row is wrong.
    Posting the same batch again changes nothing and counts every row as updated."""
    if not user.has_perm(PERMISSION):
        raise NotPermitted(_("You may not record terminal profits."))
    check_batch(rows)
    with transaction.atomic():
        plan = plan_profit_rows(rows, today=today, lock=True)
        return profit_plan_save(plan=plan, source=source, user=user)


def profit_records_import(*, user, rows: list, lines: list[int], today: dt.date | None = None) -> UpsertResult:
    """The back office's file import (``compensation.profit_import``): the rows read from the
    file, checked again now (the preview may be stale) and saved all-or-nothing, ``lines``
    naming them in errors. Raises as ``profit_records_upsert``."""
    if not user.has_perm(PERMISSION):
        raise NotPermitted(_("You may not record terminal profits."))
    if not rows:
        raise ProfitBatchInvalid(_("The file has no rows to import."), code="empty")
    if len(rows) > MAX_FILE_ROWS:
        raise ProfitBatchInvalid(
            _("A file holds at most %(max)d rows; this one has %(count)d. Split it into several files.")
            % {"max": MAX_FILE_ROWS, "count": len(rows)},
            code="too_many_rows",
        )
    with transaction.atomic():
        plan = plan_profit_rows(rows, today=today, indexes=lines, lock=True)
        return profit_plan_save(plan=plan, source=ProfitSource.IMPORT, user=user)
