"""Payroll runs (SPEC.md §5.7): start, compute, recompute, finalise, correct.

Exactly once. The database holds one run per kind and period
(``one_run_per_kind_and_period``): two starts at the same instant — two workers, a
worker and a manager — end on the same row, the second answered with the first's run.
Computing takes the run's row lock, so the second waits and then finds the run computed.
A computation is one transaction that replaces the draft's lines and stamps
``computed_at``: a worker killed in the middle leaves the run as it was (a new run stays
uncomputed and ``compute_pending_payroll_runs`` completes it).

Locked when final. A final run is never recomputed or edited; ``payroll_run_correct``
recomputes it in memory and posts each difference as an ``Adjustment`` paid with the
next open monthly payroll. A run whose period has not ended is a preview: it can be
computed and read, never finalised.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace import counts
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.roles import COMPANY_WIDE_ROLES, roles_of
from workplace.rules import in_force
from workplace.scoping import department_of
from workplace.workflow import Workflow

from ..models import (
    Adjustment,
    Allocation,
    AllocationStatus,
    CompensationRuleSet,
    LineItem,
    PayrollLine,
    PayrollRun,
    PayrollRunStatusChange,
    RunKind,
    RunStatus,
    YearEndPool,
)
from .lines import AMOUNT_FIELDS, Lines
from .monthly import compute_monthly
from .periods import Period, month_period, parse_period, period_of
from .quarterly import compute_quarterly
from .year_end import compute_year_end, department_pools

RUN_WORKFLOW = Workflow(
    model=PayrollRun,
    history=PayrollRunStatusChange,
    subject="subject",
    transitions={RunStatus.DRAFT: {RunStatus.FINAL}},
    labels=RunStatus,
    noun=gettext_lazy("payroll run"),
)


def is_preview(run: PayrollRun, today: dt.date | None = None) -> bool:
    """A run whose period has not ended yet: its figures are provisional."""
    return run.ends_on >= (today or timezone.localdate())


def _computed_as_preview(run: PayrollRun, today: dt.date) -> bool:
    """A draft last computed before its period ended, read after the end: its figures
    are a preview's (a start or the scheduled job computes it again)."""
    return run.computed_through is not None and run.computed_through <= run.ends_on < today


def payroll_run_start(*, kind: str, period: str, by=None, compute: bool = True) -> tuple[PayrollRun, bool]:
    """The run of ``kind`` for ``period``, created when there is none (``created``), and
    computed if it has never been. Refuses (400) a malformed or future period."""
    parsed = parse_period(kind, period)
    run, created = PayrollRun.objects.get_or_create(
        kind=kind,
        period=parsed.label,
        defaults={"starts_on": parsed.starts_on, "ends_on": parsed.ends_on, "created_by": by},
    )
    if created:
        PayrollRunStatusChange.objects.create(
            subject=run, from_status="", to_status=RunStatus.DRAFT, changed_by=by, changed_at=timezone.now()
        )
    if compute and (
        run.computed_at is None or (run.status == RunStatus.DRAFT and _computed_as_preview(run, timezone.localdate()))
    ):
        run = payroll_run_compute(run=run)
    return run, created


def compute_lines(run: PayrollRun, period: Period, rules, *, today: dt.date) -> Lines:
    if run.kind == RunKind.MONTHLY:
        return compute_monthly(period, rules)
    if run.kind == RunKind.QUARTERLY:
        return compute_quarterly(period, rules, today=today)
    return compute_year_end(run, period, rules, today=today)


def _sync_pools(run: PayrollRun, period: Period, rules, *, by=None) -> None:
    """Write the year-end pools; a pool whose amount changed loses its live allocation
    (superseded, kept): the head allocates the new amount."""
    existing = {pool.department_id: pool for pool in YearEndPool.objects.filter(run=run)}
    for figures in department_pools(period, rules):
        values = {
            "total_profit": figures.total_profit,
            "merchant_months": figures.merchant_months,
            "average": figures.average,
            "rate": figures.rate,
            "pool": figures.pool,
        }
        pool = existing.get(figures.department_id)
        if pool is None:
            YearEndPool.objects.create(run=run, department_id=figures.department_id, **values)
            continue
        if pool.pool != figures.pool:
            Allocation.objects.filter(pool=pool).exclude(status=AllocationStatus.SUPERSEDED).update(
                status=AllocationStatus.SUPERSEDED
            )
        YearEndPool.objects.filter(pk=pool.pk).update(**values)


def payroll_run_compute(*, run: PayrollRun, by=None, force: bool = False) -> PayrollRun:
    """Compute ``run``'s lines in one transaction under its row lock. Without ``force``
    a run computed meanwhile (by a concurrent start) is left as it is."""
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RunStatus.FINAL:
            raise InvalidTransition(_("This run is final and locked; a correction is an adjustment in a later run."))
        if run.computed_at is not None and not force and not _computed_as_preview(run, today):
            return run
        rules = in_force(CompensationRuleSet, on=run.ends_on)
        period = period_of(run.kind, run.starts_on)
        if run.kind == RunKind.YEAR_END:
            _sync_pools(run, period, rules, by=by)
        lines = compute_lines(run, period, rules, today=today)
        _delete_lines(run)
        _write_lines(run, lines)
        run.rules = rules
        run.computed_at = now
        run.computed_through = today
        run.save(update_fields=["rules", "computed_at", "computed_through", "updated_at"])
    return run


def _delete_lines(run: PayrollRun) -> None:
    """The draft's lines and items, in two statements whatever their number (the ORM's
    delete collects the rows and deletes them 100 ids at a time). Nothing else refers to
    a line, and lines are derived figures kept out of the audit trail: no signal is due."""
    items, lines = LineItem._meta.db_table, PayrollLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {items} WHERE line_id IN (SELECT id FROM {lines} WHERE run_id = %s)",  # noqa: S608
            [run.pk],
        )
        cursor.execute(f"DELETE FROM {lines} WHERE run_id = %s", [run.pk])  # noqa: S608


def _write_lines(run: PayrollRun, lines: Lines) -> None:
    drafts = [line for _, line in sorted(lines.items()) if not line.is_empty]
    rows = PayrollLine.objects.bulk_create(
        [
            PayrollLine(
                run=run,
                staff_id=line.staff_id,
                department_id=line.department_id,
                points=line.points,
                total=line.total,
                **line.amounts,
            )
            for line in drafts
        ]
    )
    items = [
        (row.pk, position, item)
        for row, line in zip(rows, drafts, strict=True)
        for position, item in enumerate(line.items, start=1)
    ]
    if not items:
        return
    if connection.vendor == "postgresql":
        _copy_items(items)
    else:
        LineItem.objects.bulk_create(
            [
                LineItem(
                    line_id=line_id,
                    position=position,
                    kind=item.kind,
                    amount=item.amount,
                    points=item.points,
                    source_type=item.source_type,
                    source_id=item.source_id,
                    data=item.data,
                )
                for line_id, position, item in items
            ]
        )


_ITEM_COLUMNS = ("line_id", "position", "kind", "amount", "points", "source_type", "source_id", "data")


def _csv_field(value) -> str:
    """A field of PostgreSQL's CSV COPY format: unquoted empty is NULL, text is quoted."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return str(value)


def _copy_items(items) -> None:
    """The explanation items in one COPY: a run writes one per merchant and owner (about
    ten thousand for a quarter at scale), and building them as model instances for
    ``bulk_create`` cost more than the run's own arithmetic (bench/payroll.py)."""
    buffer = io.StringIO()
    for line_id, position, item in items:
        values = (
            line_id,
            position,
            item.kind,
            item.amount,
            item.points,
            item.source_type,
            item.source_id,
            json.dumps(item.data, ensure_ascii=False),
        )
        buffer.write(",".join(_csv_field(value) for value in values))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {LineItem._meta.db_table} ({', '.join(_ITEM_COLUMNS)}) FROM STDIN WITH (FORMAT csv)", buffer
        )
    # COPY is no statement Django's execute wrappers see: the lists counting items learn of it here.
    counts.table_written(LineItem._meta.db_table)


def payroll_run_recompute(*, run: PayrollRun, by=None) -> PayrollRun:
    """Recompute a draft from today's inputs (409 for a final run)."""
    RUN_WORKFLOW.require(
        run, [RunStatus.DRAFT], _("This run is final and locked; a correction is an adjustment in a later run.")
    )
    return payroll_run_compute(run=run, by=by, force=True)


def can_finalize(user) -> bool:
    return bool(user and user.has_perm("compensation.finalize_payrollrun"))


def payroll_run_finalize(*, run: PayrollRun, by, reason: str = "") -> PayrollRun:
    """Lock a computed draft whose period has ended (a manager). A year-end run needs the
    approved allocation of every pool with money in it."""
    if not can_finalize(by):
        raise NotPermitted(_("Only a manager may finalise a payroll run."))
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        RUN_WORKFLOW.require(run, [RunStatus.DRAFT], _("This run is already final."))
        if is_preview(run):
            raise InvalidTransition(
                _("%(period)s has not ended: this run is a preview and cannot be finalised.") % {"period": run.period},
                code="preview",
            )
        if run.computed_at is None:
            raise InvalidTransition(_("This run has not been computed yet."), code="not_computed")
        if _computed_as_preview(run, timezone.localdate()):
            raise InvalidTransition(
                _("These figures were computed before %(period)s ended; recompute the run before finalising it.")
                % {"period": run.period},
                code="stale",
            )
        if run.kind == RunKind.YEAR_END:
            missing = [
                pool.department.name
                for pool in YearEndPool.objects.filter(run=run, pool__gt=0).select_related("department")
                if not pool.allocations.filter(status=AllocationStatus.APPROVED).exists()
            ]
            if missing:
                raise InvalidTransition(
                    _("The pool of %(departments)s has no approved allocation yet.")
                    % {"departments": ", ".join(missing)},
                    code="allocation_missing",
                )
        return RUN_WORKFLOW.move(
            run, RunStatus.FINAL, by=by, reason=reason, fields={"finalized_by": by, "finalized_at": timezone.now()}
        )


def next_open_month(after: dt.date) -> dt.date:
    """The first month after ``after`` whose monthly payroll is not final."""
    final = set(
        PayrollRun.objects.filter(kind=RunKind.MONTHLY, status=RunStatus.FINAL, starts_on__gt=after).values_list(
            "starts_on", flat=True
        )
    )
    month = month_period(after).ends_on + dt.timedelta(days=1)
    while month in final:
        month = month_period(month).ends_on + dt.timedelta(days=1)
    return month


def payroll_run_correct(*, run: PayrollRun, by, reason: str = "") -> list[Adjustment]:
    """For a final run whose inputs changed since (a late profit import, a penalty found
    later): each person's difference between what the run paid and what it would pay
    now, posted as an adjustment with the next open monthly payroll. Nothing is edited."""
    if not can_finalize(by):
        raise NotPermitted(_("Only a manager may correct a payroll run."))
    with transaction.atomic():
        # Under the run's lock: two corrections at once are one after the other, and the
        # second finds the first's adjustments paid.
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.FINAL:
            raise InvalidTransition(_("A draft is recomputed, not corrected."), code="draft")
        if run.kind == RunKind.YEAR_END:
            raise InvalidTransition(_("A year-end run is corrected by an adjustment entered by hand."), code="year_end")
        today = timezone.localdate()
        rules = run.rules or in_force(CompensationRuleSet, on=run.ends_on)
        # As of the day the run's figures were computed (its payout): who had left by then
        # is the run's to say, so only changed inputs make a difference, never a later leave.
        as_of = run.computed_through or today
        now_lines = compute_lines(run, period_of(run.kind, run.starts_on), rules, today=as_of)
        paid = dict(PayrollLine.objects.filter(run=run).values_list("staff_id", "total"))
        # Earlier corrections of this run count as paid.
        for staff_id, amount in Adjustment.objects.filter(corrects=run).values_list("staff_id", "amount"):
            paid[staff_id] = paid.get(staff_id, Decimal(0)) + amount
        month = next_open_month(max(run.ends_on, today.replace(day=1) - dt.timedelta(days=1)))
        text = reason or _("Correction of %(run)s") % {"run": str(run)}
        adjustments = []
        for staff_id in sorted(set(paid) | {s for s, line in now_lines.items() if not line.is_empty}):
            should = now_lines[staff_id].total if staff_id in now_lines else Decimal("0.00")
            difference = should - paid.get(staff_id, Decimal("0.00"))
            if difference:
                adjustments.append(
                    Adjustment.objects.create(
                        staff_id=staff_id,
                        month=month,
                        amount=difference,
                        reason=text[:500],
                        corrects=run,
                        created_by=by,
                    )
                )
    return adjustments


def adjustment_add(
    *, staff, month: dt.date, amount: Decimal, reason: str, by, corrects: PayrollRun | None = None
) -> Adjustment:
    """A correction by hand, paid with the monthly payroll of ``month`` (not yet final).
    A head adjusts the pay of their own department's staff; the general manager and
    admins anyone's."""
    if not (by and by.has_perm("compensation.add_adjustment")):
        raise NotPermitted(_("Only a manager may enter a pay adjustment."))
    if not (by.is_superuser or roles_of(by) & COMPANY_WIDE_ROLES):
        department_id = department_of(by)
        if department_id is None or department_of(staff) != department_id:
            raise ApplicationError(_("%(staff)s is not in your department.") % {"staff": staff.username}, field="staff")
    if not reason or not reason.strip():
        raise ApplicationError(_("Say why the pay is adjusted."), field="reason")
    if not amount:
        raise ApplicationError(_("An adjustment of 0.00 changes nothing."), field="amount")
    month = month.replace(day=1)
    with transaction.atomic():
        # Under the month's run lock: a finalisation cannot slip in between, and a draft
        # already computed is computed again so that it pays the adjustment.
        run = PayrollRun.objects.select_for_update().filter(kind=RunKind.MONTHLY, starts_on=month).first()
        if run is not None and run.status == RunStatus.FINAL:
            raise ApplicationError(
                _("The payroll of %(month)s is final; choose a later month.") % {"month": f"{month:%Y-%m}"},
                field="month",
            )
        adjustment = Adjustment.objects.create(
            staff=staff, month=month, amount=amount, reason=reason.strip()[:500], corrects=corrects, created_by=by
        )
        if run is not None and run.computed_at is not None:
            payroll_run_compute(run=run, by=by, force=True)
    return adjustment


__all__ = [
    "AMOUNT_FIELDS",
    "RUN_WORKFLOW",
    "adjustment_add",
    "can_finalize",
    "is_preview",
    "next_open_month",
    "payroll_run_compute",
    "payroll_run_correct",
    "payroll_run_finalize",
    "payroll_run_recompute",
    "payroll_run_start",
]
