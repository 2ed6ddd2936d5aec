"""The compensation pages (issue 9 §6): the runs list with its start form, a run with its
lines, a person's payslip with its explanation, the staff member's own payslips and the
year-end allocation form with the general manager's approval.

Views are adapters. Every read goes through ``compensation.selectors`` (a run one may not
open is a 404, a line one may not read is a 404), every change through its service in
``compensation.services``; a refusal is shown next to the field it names (400) or as a
message on the page it came from (409), a role that may not act gets 403. The XLSX and
PDF files are the API's (``/api/v1/payroll-runs/…``); the pages link to them."""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError, NotPermitted
from workplace.pagination import paginate
from workplace.roles import Role, has_role, is_staff_member
from workplace.scoping import department_of

from . import explain, selectors
from .forms import AllocationForm, FinalizeForm, RunStartForm
from .models import (
    Allocation,
    AllocationShare,
    AllocationStatus,
    PayrollLine,
    PayrollRun,
    RunKind,
    RunStatus,
    YearEndPool,
)
from .services import allocation as allocations
from .services import runs as services
from .services.lines import AMOUNT_FIELDS
from .services.periods import previous_period

START_PERMISSION = "compensation.add_payrollrun"
# The run page's columns, in the order of a payslip: the amounts, their total, the points.
LINE_COLUMNS = (*AMOUNT_FIELDS, "total", "points")
# The payslip's explanation: points first (they make the assessment pay), then each amount.
EXPLAINED_FIELDS = ("points", *AMOUNT_FIELDS)


# ------------------------------------------------------------------------ who you are


def _is_staff(user) -> bool:
    """Someone on the staff who is not (also) a merchant: merchants see no pay."""
    return is_staff_member(user) and not has_role(user, Role.MERCHANT)


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not _is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def run_viewer_required(view):
    """Heads, the general manager and admins (``selectors.sees_runs``)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (_is_staff(request.user) and selectors.sees_runs(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def file_url(name: str, *args) -> str:
    """The URL of one of the API's files, or "" while that route does not exist (the link
    is hidden then)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _label(name: str, model=PayrollLine) -> str:
    """A field's name in the active language (the models' translated verbose names)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _labels(model, *names) -> dict[str, str]:
    return {name: _label(name, model) for name in names}


def _run_for(request, pk) -> PayrollRun:
    run = selectors.runs_for(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def _is_stale(run: PayrollRun, today) -> bool:
    """A draft computed before its period ended, read after: figures of a preview."""
    return (
        run.status == RunStatus.DRAFT
        and run.computed_through is not None
        and run.computed_through <= run.ends_on < today
    )


# ---------------------------------------------------------------------------- the runs


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
            "labels": _labels(PayrollRun, "kind", "period", "status", "computed_at"),
        },
        status=status,
    )


@run_viewer_required
def run_detail(request, pk):
    """A run with the lines the caller may read (a head: their department's)."""
    run = _run_for(request, pk)
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
            "columns": [_label(name) for name in LINE_COLUMNS],
            "labels": _labels(PayrollLine, "staff", "department"),
            "totals": totals,
            "preview": preview,
            "stale": _is_stale(run, today),
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
    run = _run_for(request, pk)
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
    run = _run_for(request, pk)
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


# ------------------------------------------------------------------------- payslips


def _sections(line: PayrollLine) -> list[dict]:
    """The payslip's explanation by the field each item explains; a field with neither a
    figure nor an item is left out."""
    groups = explain.grouped(line)
    sections = []
    for name in EXPLAINED_FIELDS:
        value = getattr(line, name)
        items = groups.pop(name, [])
        if items or value:
            sections.append({"field": name, "label": _label(name), "value": value, "items": items})
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
            "total_label": _label("total"),
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
            "total_label": _label("total"),
            "labels": _labels(PayrollRun, "kind", "period"),
        },
    )


# ----------------------------------------------------------------- year-end allocation


def _pools_for(user, run: PayrollRun) -> list[YearEndPool]:
    """The run's pools the caller may read (a head: their department's), each with its
    live allocation (``live``: proposed or approved, with the shares)."""
    pools = YearEndPool.objects.filter(run=run).select_related("department").order_by("department__name", "pk")
    if not selectors.sees_all_pay(user):
        department_id = department_of(user)
        pools = pools.filter(department_id=department_id) if department_id else pools.none()
    live = (
        Allocation.objects.exclude(status=AllocationStatus.SUPERSEDED)
        .select_related("proposed_by", "approved_by")
        .prefetch_related(
            Prefetch("shares", queryset=AllocationShare.objects.select_related("staff").order_by("staff__username"))
        )
    )
    return list(pools.prefetch_related(Prefetch("allocations", queryset=live, to_attr="live")))


def _candidates(pool: YearEndPool) -> list:
    """The recruitment managers of the pool's department (whom ``allocation_propose`` takes)."""
    return list(
        get_user_model()
        .objects.filter(staff_profile__department_id=pool.department_id, groups__name=Role.RECRUITER)
        .select_related("staff_profile")
        .order_by("username")
    )


def _share_errors(form: AllocationForm, shares: list[dict], error) -> None:
    """The service's errors per share next to the person's amount."""
    for entry in error.extra.get("shares", []):
        index = entry.get("index")
        username = shares[index]["staff"] if isinstance(index, int) and 0 <= index < len(shares) else None
        field = form.field_name(username) if username else None
        for messages_of_field in (entry.get("errors") or {}).values():
            for message in messages_of_field:
                form.add_error(field if field in form.fields else None, str(message))


@run_viewer_required
def allocation(request, pk):
    """``/compensation/runs/<id>/allocation/``: the head splits their department's pool
    among its managers; the general manager reads every proposal and approves."""
    run = _run_for(request, pk)
    if run.kind != RunKind.YEAR_END:
        raise Http404
    user = request.user
    is_head = has_role(user, Role.RECRUITMENT_HEAD)
    if request.method == "POST" and not is_head:
        raise PermissionDenied
    pools = _pools_for(user, run)
    own_department = department_of(user) if is_head else None
    own_pool = next((pool for pool in pools if own_department and pool.department_id == own_department), None)
    form, status = None, 200
    if is_head and run.status == RunStatus.DRAFT:
        live = own_pool.live[0] if own_pool and own_pool.live else None
        initial = {share.staff.username: f"{share.amount:.2f}" for share in live.shares.all()} if live else {}
        form = AllocationForm(
            request.POST if request.method == "POST" else None,
            candidates=_candidates(own_pool) if own_pool else [],
            initial_amounts=initial,
        )
    if request.method == "POST":
        form = form or AllocationForm(request.POST, candidates=[])
        if not form.is_valid():
            status = 400
        else:
            shares = form.shares()
            try:
                allocations.allocation_propose(run=run, by=user, shares=shares)
            except NotPermitted:
                raise PermissionDenied from None
            except allocations.ShareErrors as error:
                _share_errors(form, shares, error)
                status = 400
            except ApplicationError as error:
                if error.status_code == 409:
                    messages.error(request, str(error.message))
                    return redirect("compensation:allocation", pk=run.pk)
                form.add_error(None, str(error.message))
                status = 400
            else:
                messages.success(request, _("The allocation is proposed; the general manager approves it."))
                return redirect("compensation:allocation", pk=run.pk)
    can_approve = (
        has_role(user, Role.GENERAL_MANAGER)
        and run.status == RunStatus.DRAFT
        and any(pool.live and pool.live[0].status == AllocationStatus.PROPOSED for pool in pools)
    )
    return render(
        request,
        "compensation/allocation.html",
        {
            "run": run,
            "pools": pools,
            "own_pool": own_pool,
            "is_head": is_head,
            "form": form,
            "can_approve": can_approve,
            "draft": run.status == RunStatus.DRAFT,
            "labels": _labels(YearEndPool, "total_profit", "merchant_months", "average", "rate", "pool"),
        },
        status=status,
    )


@run_viewer_required
@require_POST
def allocation_approve(request, pk):
    run = _run_for(request, pk)
    try:
        allocations.allocation_approve(run=run, by=request.user)
    except NotPermitted:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The allocation is approved and the run recomputed with its shares."))
    return redirect("compensation:allocation", pk=run.pk)
