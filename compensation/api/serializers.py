"""The bodies of the payroll-runs and payslips API (API.md "Compensation").

Output is built by plain functions (``run_detail``, ``line_body``) from what the
selectors loaded, so the figures are the stored ones to the fen; the serializers below
describe the same bodies for the schema and check the inputs."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import explain
from ..models import AllocationStatus, ItemKind, PayrollLine, PayrollRun, RunKind, RunStatus
from ..services.lines import AMOUNT_FIELDS
from ..services.runs import _computed_as_preview, is_preview


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _when(value) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def run_summary(run: PayrollRun) -> dict:
    today = timezone.localdate()
    return {
        "id": run.pk,
        "kind": run.kind,
        "period": run.period,
        "starts_on": run.starts_on.isoformat(),
        "ends_on": run.ends_on.isoformat(),
        "status": run.status,
        "preview": run.status == RunStatus.DRAFT and is_preview(run, today),
        "stale": run.status == RunStatus.DRAFT and _computed_as_preview(run, today),
        "computed_at": _when(run.computed_at),
        "finalized_at": _when(run.finalized_at),
    }


def line_body(line: PayrollLine) -> dict:
    body = {
        "staff": line.staff.username,
        "name": line.staff.get_full_name(),
        "department": line.department.name if line.department_id else None,
        "points": _money(line.points),
    }
    body.update({name: _money(getattr(line, name)) for name in AMOUNT_FIELDS})
    body["total"] = _money(line.total)
    body["explanation"] = [explain.explanation(item) for item in line.items.all()]
    return body


def allocation_body(allocation) -> dict | None:
    if allocation is None:
        return None
    return {
        "id": allocation.pk,
        "status": allocation.status,
        "proposed_by": allocation.proposed_by.username,
        "proposed_at": _when(allocation.proposed_at),
        "approved_by": allocation.approved_by.username if allocation.approved_by_id else None,
        "approved_at": _when(allocation.approved_at),
        "shares": [
            {"staff": share.staff.username, "amount": _money(share.amount)} for share in allocation.shares.all()
        ],
    }


def pool_body(pool) -> dict:
    live = [a for a in pool.allocations.all() if a.status != AllocationStatus.SUPERSEDED]
    return {
        "department": pool.department.name,
        "total_profit": _money(pool.total_profit),
        "merchant_months": pool.merchant_months,
        "average": _money(pool.average),
        "rate": _money(pool.rate),
        "pool": _money(pool.pool),
        "allocation": allocation_body(live[0] if live else None),
    }


def run_detail(run: PayrollRun, lines, pools=()) -> dict:
    body = run_summary(run)
    body["lines"] = [line_body(line) for line in lines]
    body["pools"] = [pool_body(pool) for pool in pools]
    return body


def payslip_body(line: PayrollLine) -> dict:
    return {"run": run_summary(line.run), **line_body(line)}


# --- Schema and input ---------------------------------------------------------------


class RunStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RunKind.choices, default=RunKind.MONTHLY)
    period = serializers.CharField(
        max_length=20, help_text='"2026-10" (monthly), "2026-Q3" (quarterly) or "2026" (year-end); not in the future.'
    )


class RunActionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SourceSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app.model of the record, e.g. merchants.merchant")
    id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="Where the record is shown (empty when it has no page).")


class ExplanationSerializer(serializers.Serializer):
    what = serializers.CharField(help_text="The item in the reader's language.")
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    field = serializers.CharField(help_text="The line field the item adds to (an amount field or points).")
    amount = serializers.CharField(allow_null=True)
    points = serializers.CharField(allow_null=True)
    source = SourceSerializer(allow_null=True)


class LineSerializer(serializers.Serializer):
    staff = serializers.CharField(help_text="Username.")
    name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    points = serializers.CharField()
    base_salary = serializers.CharField()
    allowance = serializers.CharField()
    position_allowance = serializers.CharField()
    assessment_pay = serializers.CharField()
    pos_shortfall = serializers.CharField(help_text="Negative: it is deducted.")
    complaint_penalties = serializers.CharField(help_text="Negative: they are deducted.")
    bonus = serializers.CharField()
    adjustments = serializers.CharField()
    total = serializers.CharField()
    explanation = ExplanationSerializer(many=True)


class RunSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RunKind.choices)
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    preview = serializers.BooleanField(help_text="The period has not ended: the run cannot be finalised.")
    stale = serializers.BooleanField(help_text="Computed before the period ended: recompute before finalising.")
    computed_at = serializers.DateTimeField(allow_null=True)
    finalized_at = serializers.DateTimeField(allow_null=True)


class ShareSerializer(serializers.Serializer):
    staff = serializers.CharField(help_text="Username of a recruitment manager of the department.")
    amount = serializers.CharField(help_text='Yuan, at most 2 decimals ("1234.50").')


class AllocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AllocationStatus.choices)
    proposed_by = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    approved_by = serializers.CharField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    shares = ShareSerializer(many=True)


class PoolSerializer(serializers.Serializer):
    department = serializers.CharField()
    total_profit = serializers.CharField()
    merchant_months = serializers.IntegerField()
    average = serializers.CharField()
    rate = serializers.CharField(help_text="Percent.")
    pool = serializers.CharField()
    allocation = AllocationSerializer(allow_null=True)


class RunDetailSerializer(RunSummarySerializer):
    lines = LineSerializer(many=True, help_text="The lines the caller may read (a head: their department's).")
    pools = PoolSerializer(many=True, help_text="Year-end runs: each department's pool the caller may read.")


class PayslipSerializer(LineSerializer):
    run = RunSummarySerializer()


class AllocationInputSerializer(serializers.Serializer):
    shares = ShareSerializer(
        many=True, help_text="The split of the head's department pool; it must add up to the pool."
    )


class AdjustmentSerializer(serializers.Serializer):
    staff = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM: paid with that month's payroll.")
    amount = serializers.CharField()
    reason = serializers.CharField()


def adjustment_body(adjustment) -> dict:
    return {
        "staff": adjustment.staff.username,
        "month": f"{adjustment.month:%Y-%m}",
        "amount": _money(adjustment.amount),
        "reason": adjustment.reason,
    }


class CorrectionResultSerializer(serializers.Serializer):
    adjustments = AdjustmentSerializer(many=True)
    detail = serializers.CharField()


NOT_A_RUN_VIEWER = _(
    "Only department heads, the general manager and admins open payroll runs; your payslips are at /api/v1/payslips/."
)
