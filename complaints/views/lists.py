"""The lists: each role's entry point, customer service's work queue, the responsible
head's queue, every complaint one may see and the service-level panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from workplace.pagination import paginate
from workplace.roles import COMPANY_WIDE_ROLES, Role, has_role, is_staff_member, roles_of

from .. import queues, selectors, services
from ..models import ComplaintStatus, ComplaintType
from .common import STEPS, _is_merchant_only, customer_service_required, staff_required

S = ComplaintStatus
# Who opens the service-level panel (over the complaints each may see).
PANEL_ROLES = COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE, Role.DEPT_HEAD, Role.RECRUITMENT_HEAD}


@login_required
def index(request):
    """``/complaints/``: each role to its own list."""
    user = request.user
    if _is_merchant_only(user):
        return redirect("complaints:mine")
    if services.is_customer_service(user):
        return redirect("complaints:queue")
    if has_role(user, Role.DEPT_HEAD):
        return redirect("complaints:head_queue")
    if is_staff_member(user):
        return redirect("complaints:list")
    raise PermissionDenied


def _queue_rows(page):
    """Rows of a page grouped by step, keeping the queue's order."""
    groups, labels = [], dict(STEPS)
    for complaint in page:
        if not groups or groups[-1]["step"] != complaint.step_number:
            groups.append({"step": complaint.step_number, "label": labels[complaint.step_number], "rows": []})
        groups[-1]["rows"].append(complaint)
    return groups


@customer_service_required
def queue(request):
    """Customer service's work queue: every open complaint by step, overdue first."""
    page = paginate(request, queues.customer_service_queue(user=request.user), per_page=50)
    return render(request, "complaints/queue.html", {"page": page, "groups": _queue_rows(page), "now": timezone.now()})


@staff_required
def head_queue(request):
    """What waits on the responsible person or head: answer the transfer slip, carry out."""
    page = paginate(request, queues.responsible_queue(user=request.user), per_page=50)
    return render(
        request, "complaints/head_queue.html", {"page": page, "groups": _queue_rows(page), "now": timezone.now()}
    )


@staff_required
def complaint_list(request):
    """Every complaint the staff member may see (managers: their department's)."""
    status = request.GET.get("status") or None
    kind = request.GET.get("type") or None
    overdue = request.GET.get("overdue") == "1" or None
    rows = selectors.complaint_list(
        user=request.user,
        status=status if status in S.values else None,
        type=kind if kind in ComplaintType.values else None,
        overdue=overdue,
    )
    page = paginate(request, rows, per_page=50)
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "statuses": S.choices,
            "types": ComplaintType.choices,
            "selected": {"status": status or "", "type": kind or "", "overdue": bool(overdue)},
            "now": timezone.now(),
        },
    )


@login_required
def service_level(request):
    if not (request.user.is_superuser or roles_of(request.user) & PANEL_ROLES):
        raise PermissionDenied
    return render(request, "complaints/service_level.html", {"panel": queues.service_level(user=request.user)})
