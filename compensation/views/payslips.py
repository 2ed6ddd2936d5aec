"""A person's payslip with its explanation, and the staff member's own payslips."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from workplace.pagination import paginate

from .. import explain, selectors
from ..models import (
    PayrollLine,
    PayrollRun,
    RunStatus,
)
from ..services import runs as services
from .common import (
    EXPLAINED_FIELDS,
    field_label,
    field_labels,
    file_url,
    staff_required,
)


def _sections(line: PayrollLine) -> list[dict]:
    """The payslip's explanation by the field each item explains; a field with neither a
    figure nor an item is left out."""
    groups = explain.grouped(line)
    sections = []
    for name in EXPLAINED_FIELDS:
        value = getattr(line, name)
        items = groups.pop(name, [])
        if items or value:
            sections.append({"field": name, "label": field_label(name), "value": value, "items": items})
    leftover = [item for items in groups.values() for item in items]
    if leftover:
        sections.append({"field": "other", "label": _("Other"), "value": None, "items": leftover})
    return sections


@staff_required
def payslip(request, pk, username):
    """One person's line of a run with its explanation: one's own of a final run, a
    head's department's, anyone's for the general manager."""
    if "\x00" in username:  # PostgreSQL takes no NUL in a text literal
        raise Http404
    run = PayrollRun.objects.filter(pk=pk).first()
    line = selectors.payslip_for(request.user, run, username) if run else None
    if line is None:
        raise Http404
    sees_run = selectors.sees_runs(request.user)
    return render(
        request,
        "compensation/payslip.html",
        {
            "run": run,
            "line": line,
            "sections": _sections(line),
            "total_label": field_label("total"),
            "pdf_url": file_url("api-payroll-run-payslip", run.pk, line.staff.username),
            "back_url": reverse("compensation:run", args=[run.pk]) if sees_run else reverse("compensation:payslips"),
            "preview": run.status == RunStatus.DRAFT and services.is_preview(run),
        },
    )


@staff_required
def my_payslips(request):
    """The caller's own payslips (final runs), newest first."""
    page = paginate(request, selectors.payslips_of(request.user), per_page=24)
    rows = [
        {"line": line, "pdf_url": file_url("api-payroll-run-payslip", line.run_id, line.staff.username)}
        for line in page
    ]
    return render(
        request,
        "compensation/my_payslips.html",
        {
            "page": page,
            "rows": rows,
            "total_label": field_label("total"),
            "labels": field_labels(PayrollRun, "kind", "period"),
        },
    )
