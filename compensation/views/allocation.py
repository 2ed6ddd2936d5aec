"""The year-end allocation: the head's split of the pool, the general manager's approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role
from workplace.scoping import department_of

from .. import selectors
from ..forms import AllocationForm
from ..models import (
    Allocation,
    AllocationShare,
    AllocationStatus,
    PayrollRun,
    RunKind,
    RunStatus,
    YearEndPool,
)
from ..services import allocation as allocations
from .common import (
    field_labels,
    run_for,
    run_viewer_required,
)


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
    run = run_for(request, pk)
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
            "labels": field_labels(YearEndPool, "total_profit", "merchant_months", "average", "rate", "pool"),
        },
        status=status,
    )


@run_viewer_required
@require_POST
def allocation_approve(request, pk):
    run = run_for(request, pk)
    try:
        allocations.allocation_approve(run=run, by=request.user)
    except NotPermitted:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The allocation is approved and the run recomputed with its shares."))
    return redirect("compensation:allocation", pk=run.pk)
