from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import extensions
from workplace.exceptions import ApplicationError
from workplace.pagination import paginate
from workplace.roles import Role, has_role, is_staff_member

from . import selectors, services
from .forms import DecisionForm, RateRequestForm
from .models import RequestKind


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user) or has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _requestable_merchants(user):
    return selectors.requestable_merchants_for(user).order_by("name", "id")


def _preview(form):
    """The quote for what the form holds so far, or None while it is incomplete."""
    kind = form.data.get("kind") or RequestKind.PREPAID
    merchant = form.cleaned_data.get("merchant") if hasattr(form, "cleaned_data") else None
    rate = form.cleaned_data.get("proposed_rate") if hasattr(form, "cleaned_data") else None
    if merchant is None or kind not in RequestKind.values or (kind != RequestKind.POS_FEE_WAIVER and rate is None):
        return None
    try:
        return selectors.quote_request(kind=kind, category=merchant.category, proposed_rate=rate, requester=form.user)
    except ApplicationError:
        return None


def _merchant_panels(request, form) -> str:
    """The panels about the merchant chosen so far (settlement's credit rating), through
    merchants' registry."""
    merchant = form.cleaned_data.get("merchant") if hasattr(form, "cleaned_data") else None
    return extensions.render_merchant_panels(request, merchant)


def _bound_form(request):
    form = RateRequestForm(request.POST or None, merchants=_requestable_merchants(request.user))
    form.user = request.user
    if request.POST:
        form.is_valid()
    return form


@staff_required
def request_list(request):
    rate_requests = selectors.with_details(selectors.rate_requests_for_user(request.user))[:200]
    return render(request, "commissions/request_list.html", {"rate_requests": rate_requests})


@staff_required
def request_new(request):
    form = _bound_form(request)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.rate_request_create(
                user=request.user,
                merchant=data["merchant"],
                kind=data["kind"],
                proposed_rate=data["proposed_rate"],
                reason=data["reason"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(
                request,
                _("Request %(reference)s made: %(status)s.")
                % {"reference": created.reference, "status": created.get_status_display()},
            )
            return redirect("commissions:requests")
    status = 400 if request.method == "POST" and form.errors and "preview" not in request.POST else 200
    context = {"form": form, "quote": _preview(form), "merchant_panels": _merchant_panels(request, form)}
    return render(request, "commissions/request_form.html", context, status=status)


@staff_required
@require_POST
def request_preview(request):
    """The htmx partial: ratio and chain for the rate being typed."""
    form = _bound_form(request)
    context = {"quote": _preview(form), "form": form, "merchant_panels": _merchant_panels(request, form)}
    return render(request, "commissions/_quote_preview.html", context)


def _queue_context(request, errors=None):
    mine, lower = selectors.approval_queue_for(request.user)
    return {
        "mine": paginate(request, mine),
        "lower": paginate(request, lower, param="lower_page"),
        "errors": errors or {},
    }


def _approver_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not selectors.approver_roles_of(request.user) and not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_approver_required
def queue(request):
    """The approval queue (审批): what waits on me, oldest first."""
    return render(request, "commissions/queue.html", _queue_context(request))


@_approver_required
@require_POST
def decide(request, pk):
    rate_request = get_object_or_404(selectors.rate_requests_for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = {pk: [str(e) for errors in form.errors.values() for e in errors]}
        return render(request, "commissions/queue.html", _queue_context(request, errors), status=400)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.rate_request_approve(
                user=request.user,
                rate_request=rate_request,
                comment=data["comment"],
                step_role=data["step"] or None,
                reason=data["reason"],
            )
            messages.success(request, _("%(reference)s approved.") % {"reference": rate_request.reference})
        else:
            services.rate_request_reject(
                user=request.user,
                rate_request=rate_request,
                reason=data["comment"],
                step_role=data["step"] or None,
                acting_reason=data["reason"],
            )
            messages.success(request, _("%(reference)s rejected.") % {"reference": rate_request.reference})
    except ApplicationError as error:
        context = _queue_context(request, {pk: [str(error.message)]})
        context["page_error"] = str(error.message)
        return render(request, "commissions/queue.html", context, status=error.status_code)
    return redirect("commissions:queue")
