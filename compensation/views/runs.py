"""The runs list with its start form, a run with its lines, recompute and finalise."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError, NotPermitted
from workplace.pagination import paginate

from .. import selectors
from ..forms import FinalizeForm, RunStartForm
from ..models import (
    PayrollLine,
    PayrollRun,
    RunKind,
    RunStatus,
)
from ..services import runs as services
from ..services.periods import previous_period
from .common import (
    LINE_COLUMNS,
    START_PERMISSION,
    field_label,
    field_labels,
    file_url,
    is_stale,
    run_for,
    run_viewer_required,
)


@run_viewer_required
def run_list(request):
    """``/compensation/runs/``: every run the caller may open, newest period first, and
    the form that starts one (or opens the existing one of that kind and period)."""
    can_start = request.user.has_perm(START_PERMISSION)
    status = 200
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        form = RunStartForm(request.POST)
        if form.is_valid():
            try:
                run, created = services.payroll_run_start(
                    kind=form.cleaned_data["kind"], period=form.cleaned_data["period"], by=request.user
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                if created:
                    messages.success(request, _("%(run)s started and computed.") % {"run": run})
                else:
                    messages.info(request, _("%(run)s already exists; here it is.") % {"run": run})
                return redirect("compensation:run", pk=run.pk)
        status = 400
    else:
        form = RunStartForm(initial={"period": previous_period(RunKind.MONTHLY).label}) if can_start else None
    today = timezone.localdate()
    page = paginate(request, selectors.runs_for(request.user), per_page=25)
    rows = [{"run": run, "preview": services.is_preview(run, today)} for run in page]
    return render(
        request,
        "compensation/run_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "labels": field_labels(PayrollRun, "kind", "period", "status", "computed_at"),
        },
        status=status,
    )


@run_viewer_required
def run_detail(request, pk):
    """A run with the lines the caller may read (a head: their department's)."""
    run = run_for(request, pk)
    user = request.user
    lines = list(selectors.lines_for(user, run))
    today = timezone.localdate()
    preview = services.is_preview(run, today)
    draft = run.status == RunStatus.DRAFT
    totals = [sum((getattr(line, name) for line in lines), Decimal("0.00")) for name in LINE_COLUMNS]
    rows = [{"line": line, "values": [getattr(line, name) for name in LINE_COLUMNS]} for line in lines]
    return render(
        request,
        "compensation/run_detail.html",
        {
            "run": run,
            "rows": rows,
            "columns": [field_label(name) for name in LINE_COLUMNS],
            "labels": field_labels(PayrollLine, "staff", "department"),
            "totals": totals,
            "preview": preview,
            "stale": is_stale(run, today),
            "can_recompute": draft and user.has_perm(START_PERMISSION),
            "can_finalize": draft and not preview and services.can_finalize(user),
            "finalize_form": FinalizeForm(),
            "export_url": file_url("api-payroll-run-export", run.pk),
            "is_year_end": run.kind == RunKind.YEAR_END,
        },
    )


@run_viewer_required
@require_POST
def run_recompute(request, pk):
    run = run_for(request, pk)
    if not request.user.has_perm(START_PERMISSION):
        raise PermissionDenied
    try:
        services.payroll_run_recompute(run=run, by=request.user)
    except NotPermitted:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(run)s recomputed from today's figures.") % {"run": run})
    return redirect("compensation:run", pk=run.pk)


@run_viewer_required
@require_POST
def run_finalize(request, pk):
    run = run_for(request, pk)
    form = FinalizeForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.payroll_run_finalize(run=run, by=request.user, reason=reason)
    except NotPermitted:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(run)s is final and locked.") % {"run": run})
    return redirect("compensation:run", pk=run.pk)
