"""The staff review pages: the list of applications and one application's review.

Views are adapters (see ``portal``): a service refusing is shown in the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError

from .. import extensions, selectors, services
from ..forms import (
    AssignForm,
    ReviewFilterForm,
    SiteVisitForm,
    reject_form,
    request_changes_form,
)
from ..models import (
    Category,
)
from .common import (
    PAGE_SIZE,
    PREVIEWABLE_TYPES,
    _application_for,
    _has_contract,
    deadline_of,
    document_checklist,
    reviewer_staff_required,
)


@reviewer_staff_required
def review_list(request):
    now = timezone.now()
    form = ReviewFilterForm(request.GET or None, recruiters=selectors.assignable_staff(request.user))
    filters = {"status": selectors.OPEN_WORK}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            # The default is the open work: what waits on someone.
            "status": {"": selectors.OPEN_WORK, "all": None}.get(data["status"], data["status"]),
            "category": data["category"],
            "district": data["district"],
            "recruiter": data["recruiter"],
            "overdue": data["overdue"],
        }
    queryset = selectors.application_list(user=request.user, now=now, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"application": application, "deadline": deadline_of(application, now)} for application in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "merchants/review/list.html",
        {"form": form, "page": page, "rows": rows, "querystring": query.urlencode()},
    )


def _review_context(request, application, **forms) -> dict:
    user = request.user
    documents = list(application.documents.all())
    allowed = set(services.application_allowed_actions(application=application, user=user))
    site_visits = list(application.site_visits.all())
    visit_required = application.category == Category.DINING_ENTERTAINMENT
    context = {
        "application": application,
        "documents": documents,
        "checklist": document_checklist(application, documents),
        "findings": selectors.application_findings(application),
        "history": application.status_changes.select_related("changed_by"),
        "deadline": deadline_of(application),
        "site_visits": site_visits,
        "visit_required": visit_required,
        "visit_missing": visit_required and not site_visits,
        "contract": application.contract if _has_contract(application) else None,
        "previewable_types": PREVIEWABLE_TYPES,
        # Only what the user may do now is shown; the services refuse the rest anyway.
        "can_assign": "assign" in allowed,
        "can_visit": "site_visit" in allowed,
        "can_approve": "approve" in allowed,
        "can_request_changes": "request_changes" in allowed,
        "can_reject": "reject" in allowed,
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"recruiter": application.assignee_id}, candidates=selectors.assignable_staff(user), prefix="assign"
        ),
        "visit_form": forms.get("visit_form")
        or SiteVisitForm(initial={"visited_on": timezone.localdate()}, prefix="visit"),
        "changes_form": forms.get("changes_form") or request_changes_form(),
        "reject_form": forms.get("reject_form") or reject_form(),
        "approval_blockers": services.approval_blockers(application) if "approve" in allowed else [],
    }
    # Panels of the apps above merchants (the star evaluation, from scoring; the credit
    # rating, from settlement).
    for section in extensions.review_sections:
        context.update(section(request, application, allowed, forms))
    context["merchant_panels"] = extensions.render_merchant_panels(request, application.merchant)
    return context


@reviewer_staff_required
def review_detail(request, pk):
    application = _application_for(request, pk)
    return render(request, "merchants/review/detail.html", _review_context(request, application))


def review_action(request, pk, *, form_name, build_form, perform, success):
    """POST one review action: validate its form, call the service, show the result."""
    application = _application_for(request, pk)
    form = build_form(application)
    if form is None or form.is_valid():
        try:
            perform(application, form.cleaned_data if form is not None else {})
        except ApplicationError as error:
            # The service's refusal is shown on the page, with its status (403 for a
            # role that may not act, 409 for a wrong state, 400 for bad input).
            # A field error goes next to its field; anything else on top of the page,
            # where it shows even when the action's panel is hidden from this user.
            if form is not None and getattr(error, "field", None) in form.fields:
                form.add_service_error(error)
            else:
                messages.error(request, error.message)
            status = error.status_code
        else:
            messages.success(request, success)
            return redirect("merchants:review_detail", pk=application.pk)
    else:
        status = 400
    # Reload: a refused service may have left the instance half-changed in memory.
    application = _application_for(request, pk)
    context = _review_context(request, application, **({form_name: form} if form is not None else {}))
    return render(request, "merchants/review/detail.html", context, status=status)


@reviewer_staff_required
@require_POST
def review_assign(request, pk):
    return review_action(
        request,
        pk,
        form_name="assign_form",
        build_form=lambda application: AssignForm(
            request.POST, candidates=selectors.assignable_staff(request.user), prefix="assign"
        ),
        perform=lambda application, data: services.application_assign(
            application=application, by=request.user, assignee=data["recruiter"]
        ),
        success=_("The application is assigned."),
    )


@reviewer_staff_required
@require_POST
def review_site_visit(request, pk):
    return review_action(
        request,
        pk,
        form_name="visit_form",
        build_form=lambda application: SiteVisitForm(request.POST, request.FILES, prefix="visit"),
        perform=lambda application, data: services.site_visit_record(
            application=application,
            by=request.user,
            visited_on=data["visited_on"],
            notes=data["notes"],
            media=data["media"],
        ),
        success=_("The site visit is recorded."),
    )


@reviewer_staff_required
@require_POST
def review_approve(request, pk):
    return review_action(
        request,
        pk,
        form_name="approve_form",
        build_form=lambda application: None,
        perform=lambda application, data: services.application_approve(application=application, by=request.user),
        success=_("The application is approved and the contract is sent to the merchant."),
    )


@reviewer_staff_required
@require_POST
def review_request_changes(request, pk):
    return review_action(
        request,
        pk,
        form_name="changes_form",
        build_form=lambda application: request_changes_form(request.POST),
        perform=lambda application, data: services.application_request_changes(
            application=application, by=request.user, reason=data["reason"]
        ),
        success=_("The merchant is asked to make changes."),
    )


@reviewer_staff_required
@require_POST
def review_reject(request, pk):
    return review_action(
        request,
        pk,
        form_name="reject_form",
        build_form=lambda application: reject_form(request.POST),
        perform=lambda application, data: services.application_reject(
            application=application, by=request.user, reason=data["reason"]
        ),
        success=_("The application is rejected."),
    )
