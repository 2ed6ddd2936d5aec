"""HTML pages of onboarding: the merchant portal and the staff review pages.

Views are adapters: they check who you are, find the record through a selector (an
unseen record is a 404), call a service of ``merchants.services`` and render the result.
A service refusing (``ApplicationError`` and its kin) is shown in the page, next to the
field it names when it names one.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace import services as workplace_services
from workplace.exceptions import ApplicationError
from workplace.roles import Role, has_role, roles_of
from workplace.scoping import department_of

from . import checks, permissions, selectors, services
from .forms import (
    ApplicationProfileForm,
    AssignForm,
    DocumentUploadForm,
    EvaluationForm,
    RegistrationForm,
    ReviewFilterForm,
    SignContractForm,
    SiteVisitForm,
    reject_form,
    request_changes_form,
)
from .models import (
    CHECK_STATUSES,
    CLOSED_STATUSES,
    REVIEW_STATUSES,
    Application,
    ApplicationStatus,
    Category,
    CheckRun,
    Contract,
    Document,
    DocumentKind,
)

# Staff who work on applications: the assignable staff and the reviewers above them.
REVIEW_PAGE_ROLES = permissions.ASSIGNABLE_ROLES | permissions.REVIEWER_ROLES
PAGE_SIZE = 20
PREVIEWABLE_TYPES = ("image/jpeg", "image/png")


# ------------------------------------------------------------------------ who you are


def merchant_required(view):
    """A merchant's portal account; staff are sent to their own pages."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reviewer_staff_required(view):
    """Staff who review or are assigned applications."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_superuser or roles_of(request.user) & REVIEW_PAGE_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _application_for(request, pk) -> Application:
    """The application, if the user may see it; 404 otherwise (never fetch then check)."""
    try:
        return selectors.application_detail(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _posted(request):
    """The POST data of a POST (even an empty one), None for a GET: an empty POST must
    still be validated and show "this field is required"."""
    return request.POST if request.method == "POST" else None


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ------------------------------------------------------------------------- deadlines


def deadline_of(application, now=None) -> dict | None:
    """The deadline that matters in the application's current status, for display."""
    now = now or timezone.now()
    if application.status in CHECK_STATUSES:
        label, due = _("System check due"), application.check_due
    elif application.status in REVIEW_STATUSES:
        label, due = _("Review due"), application.review_due
    elif application.status == ApplicationStatus.NEEDS_CHANGES:
        label, due = _("Resubmit by"), application.resubmit_due
    else:
        return None
    if due is None:
        return None
    return {"label": label, "due": due, "overdue": due < now}


# --------------------------------------------------------------------------- checklist


def document_checklist(application, documents) -> list[dict]:
    """Which certificates the application needs and which are there, from the rule of
    ``checks.required_document_kinds``; ``documents`` are the application's (prefetched)."""
    by_kind: dict[str, list] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    required = [str(kind) for kind in checks.required_document_kinds(application.entity_type, application.uscc)]
    rows = []
    for kind in DocumentKind:
        present = by_kind.get(kind.value, [])
        if kind.value not in required and not present:
            continue
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "required": kind.value in required,
                "documents": present,
                "missing": kind.value in required and not present,
            }
        )
    return rows


def _latest_findings(application) -> list:
    """The findings of the latest check run, from the prefetched ``check_runs``."""
    runs = getattr(application, "prefetched_runs", None)
    if runs is None:
        return selectors.application_findings(application)
    return list(runs[0].findings.all()) if runs else []


# ------------------------------------------------------------------ anonymous + register


def portal(request):
    """The portal's front door: the landing page, the merchant's dashboard, or staff's
    review list."""
    if not request.user.is_authenticated:
        return render(request, "merchants/portal/landing.html")
    if has_role(request.user, Role.MERCHANT):
        return dashboard(request)
    if request.user.is_superuser or roles_of(request.user) & REVIEW_PAGE_ROLES:
        return redirect("merchants:review_list")
    return redirect("home")


class PortalLoginView(auth_views.LoginView):
    """The shared login page, with a link to register."""

    template_name = "merchants/portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("merchants:portal")


def register(request):
    if request.user.is_authenticated:
        return redirect("merchants:portal")
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = workplace_services.user_create(
                username=data["username"], role=Role.MERCHANT, password=data["password1"], email=data["email"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            # The phone prefills the contact phone of the first application.
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["portal_phone"] = data["phone"]
            messages.success(request, _("Welcome! Your account is ready; now fill in your company profile."))
            return redirect("merchants:application_create")
    return render(request, "merchants/portal/register.html", {"form": form})


# ----------------------------------------------------------------------- merchant pages


def _portal_applications(user):
    return selectors.applications_of_portal_user(user).prefetch_related(
        Prefetch("documents", queryset=Document.objects.order_by("kind", "id")),
        Prefetch(
            "check_runs",
            queryset=CheckRun.objects.order_by("-ran_at", "-id").prefetch_related("findings"),
            to_attr="prefetched_runs",
        ),
        "contract",
    )


@merchant_required
def dashboard(request):
    now = timezone.now()
    rows = []
    for application in _portal_applications(request.user):
        documents = list(application.documents.all())
        rows.append(
            {
                "application": application,
                "deadline": deadline_of(application, now),
                "findings": _latest_findings(application),
                "checklist": document_checklist(application, documents) if application.is_editable else [],
                "contract": getattr(application, "contract", None) if _has_contract(application) else None,
            }
        )
    has_open = any(row["application"].status not in CLOSED_STATUSES for row in rows)
    return render(request, "merchants/portal/dashboard.html", {"rows": rows, "has_open": has_open})


def _has_contract(application) -> bool:
    try:
        return application.contract is not None
    except Contract.DoesNotExist:
        return False


def _profile_initial(application) -> dict:
    return {name: getattr(application, name) for name in ApplicationProfileForm.base_fields}


@merchant_required
def application_create(request):
    # One application in progress per account (the service's rule): continue that one.
    in_progress = selectors.application_in_progress(request.user)
    if in_progress is not None:
        return redirect("merchants:application_detail", pk=in_progress.pk)
    initial = {"contact_phone": request.session.get("portal_phone", "")}
    form = ApplicationProfileForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your company profile is saved. Now upload your certificates."))
            return redirect("merchants:application_detail", pk=application.pk)
    return render(request, "merchants/portal/profile_form.html", {"form": form, "application": None})


@merchant_required
def application_edit(request, pk):
    application = _application_for(request, pk)
    if not application.is_editable:
        messages.error(request, _("The profile can only be changed while the application is a draft or needs changes."))
        return redirect("merchants:application_detail", pk=application.pk)
    form = ApplicationProfileForm(_posted(request), initial=_profile_initial(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your company profile is saved."))
            return redirect("merchants:application_detail", pk=application.pk)
    return render(request, "merchants/portal/profile_form.html", {"form": form, "application": application})


def _merchant_detail_context(request, application, *, upload_form=None) -> dict:
    documents = list(application.documents.all())
    allowed = set(services.application_allowed_actions(application=application, user=request.user))
    editable = "edit" in allowed
    return {
        "application": application,
        "documents": documents,
        "checklist": document_checklist(application, documents),
        "missing": [row for row in document_checklist(application, documents) if row["missing"]],
        "findings": selectors.application_findings(application),
        # What the system check would say now, so the merchant can fix it before submitting.
        "precheck": selectors.application_precheck(application) if editable else [],
        "deadline": deadline_of(application),
        "history": application.status_changes.select_related("changed_by"),
        "contract": application.contract if _has_contract(application) else None,
        "upload_form": upload_form or DocumentUploadForm(),
        "editable": editable,
        "can_upload": "upload" in allowed,
        "can_submit": "submit" in allowed,
        "can_withdraw": "withdraw" in allowed,
    }


@merchant_required
def application_detail(request, pk):
    application = _application_for(request, pk)
    return render(request, "merchants/portal/application.html", _merchant_detail_context(request, application))


@merchant_required
def document_upload(request, pk):
    application = _application_for(request, pk)
    if request.method != "POST":
        return redirect("merchants:application_detail", pk=application.pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                application=application,
                user=request.user,
                kind=data["kind"],
                file=data["file"],
                number=data["number"],
                valid_until=data["valid_until"],
            )
        except ApplicationError as error:
            # 409 once the application is submitted, 400 for a bad file.
            form.add_service_error(error)
            status = error.status_code
        else:
            messages.success(request, _("The certificate is uploaded."))
            return redirect(reverse("merchants:application_detail", args=[application.pk]) + "#documents")
    context = _merchant_detail_context(request, application, upload_form=form)
    return render(request, "merchants/portal/application.html", context, status=status)


@merchant_required
@require_POST
def document_delete(request, pk, document_pk):
    application = _application_for(request, pk)
    document = _get_or_404(selectors.documents_for_user(request.user).filter(application=application), document_pk)
    try:
        services.document_delete(document=document, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The certificate is removed."))
    return redirect(reverse("merchants:application_detail", args=[application.pk]) + "#documents")


@merchant_required
@require_POST
def application_submit(request, pk):
    application = _application_for(request, pk)
    try:
        application = services.application_submit(application=application, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        application.refresh_from_db()
        if application.status == ApplicationStatus.NEEDS_CHANGES:
            messages.warning(request, _("The system check found problems. Please fix them and submit again."))
        else:
            messages.success(request, _("Your application is submitted."))
    return redirect("merchants:application_detail", pk=application.pk)


@merchant_required
@require_POST
def application_withdraw(request, pk):
    application = _application_for(request, pk)
    try:
        services.application_withdraw(application=application, user=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("merchants:application_detail", pk=application.pk)


def _contract_for(request, pk) -> Contract:
    try:
        return selectors.contract_for_user(request.user, pk)
    except Contract.DoesNotExist:
        raise Http404 from None


@merchant_required
def contract(request, pk):
    contract = _contract_for(request, pk)
    application = contract.application
    form = SignContractForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_sign(
                application=application,
                user=request.user,
                signer_name=form.cleaned_data["signer_name"],
                consent=form.cleaned_data["consent"],
                ip_address=_client_ip(request),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Thank you: the contract is signed. Welcome to the alliance!"))
            return redirect("merchants:contract", pk=application.pk)
    allowed = services.application_allowed_actions(application=application, user=request.user)
    can_sign = not contract.is_signed and "sign" in allowed
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "merchants/portal/contract.html",
        {"contract": contract, "application": application, "form": form, "can_sign": can_sign},
        status=status,
    )


@login_required
def contract_pdf(request, pk):
    """The contract PDF (the signed one when ``?signed=1``), to the merchant and to staff
    who may see the application."""
    contract = _contract_for(request, pk)
    signed = request.GET.get("signed") == "1"
    field = contract.signed_pdf if signed else contract.rendered_pdf
    if not field:
        raise Http404
    name = f"{contract.number}{'-signed' if signed else ''}.pdf"
    return private_file_response(
        field, content_type="application/pdf", filename=name, as_attachment=request.GET.get("download") == "1"
    )


@merchant_required
def rates(request):
    """The merchant's own agreed rates, once it has signed (before that nothing is
    agreed, and the internal standards are never shown)."""
    from merchants.models import MerchantStatus

    merchants = merchants_of_portal_user(request.user)
    try:
        from commissions.selectors import merchant_rates
    except ImportError:
        merchant_rates = None
    rows = []
    for merchant in merchants:
        signed = merchant.status != MerchantStatus.PROSPECT
        rates = merchant_rates(merchant) if (merchant_rates and signed) else None
        rows.append({"merchant": merchant, "signed": signed, "rates": rates})
    return render(request, "merchants/portal/rates.html", {"rows": rows})


def merchants_of_portal_user(user) -> list:
    return list(selectors.merchants_for_user(user).filter(user=user).order_by("name", "id"))


# ------------------------------------------------------------------------------ files


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def private_file_response(field, *, content_type: str, filename: str, as_attachment: bool = False):
    """A private file (its storage name is never shown), for the pages and the API."""
    try:
        handle = field.open("rb")
    except (OSError, ValueError):  # gone from storage, or no file at all
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream", as_attachment=as_attachment, filename=filename
    )
    # Private files: never cached by shared caches, never sniffed into another type.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_file(request, document_pk):
    """A certificate's file, to the merchant and staff who may see its application."""
    document = _get_or_404(selectors.documents_for_user(request.user), document_pk)
    filename = document.original_name or f"document-{document.pk}"
    return private_file_response(
        document.file,
        content_type=document.content_type,
        filename=filename,
        as_attachment=request.GET.get("download") == "1",
    )


@reviewer_staff_required
def visit_media_file(request, media_pk):
    """A site-visit photo or video: staff who may see the application only."""
    media = _get_or_404(selectors.site_visit_media_for_user(request.user), media_pk)
    return private_file_response(
        media.file, content_type=media.content_type, filename=media.original_name or f"visit-{media.pk}"
    )


# ------------------------------------------------------------------------- staff review


def _assignable_staff(user):
    """Who a reviewer may pick as assignee or filter by: the reviewer's department for a
    head, everyone assignable for the company-wide levels."""
    User = get_user_model()
    queryset = (
        User.objects.filter(is_active=True, groups__name__in=permissions.ASSIGNABLE_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    if not permissions.is_company_wide(user):
        department_id = department_of(user)
        if department_id is None:
            return queryset.filter(pk=user.pk)
        queryset = queryset.filter(staff_profile__department_id=department_id)
    return queryset


@reviewer_staff_required
def review_list(request):
    now = timezone.now()
    form = ReviewFilterForm(request.GET or None, recruiters=_assignable_staff(request.user))
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


def _evaluation_form_for(application, data=None):
    from scoring.selectors import rule_set_in_force

    try:
        rule_set = rule_set_in_force()
        brand_range = range(rule_set.brand_min, rule_set.brand_max + 1)
    except ApplicationError:
        brand_range = range(1, 6)
    return EvaluationForm(data, brand_range=brand_range, prefix="evaluation")


def _review_context(request, application, **forms) -> dict:
    from scoring.selectors import evaluations_of_merchant

    user = request.user
    documents = list(application.documents.all())
    allowed = set(services.application_allowed_actions(application=application, user=user))
    evaluations = list(evaluations_of_merchant(application.merchant_id)[:5])
    site_visits = list(application.site_visits.all())
    visit_required = application.category == Category.DINING_ENTERTAINMENT
    return {
        "application": application,
        "documents": documents,
        "checklist": document_checklist(application, documents),
        "findings": selectors.application_findings(application),
        "history": application.status_changes.select_related("changed_by"),
        "deadline": deadline_of(application),
        "site_visits": site_visits,
        "evaluations": evaluations,
        "visit_required": visit_required,
        "visit_missing": visit_required and not site_visits,
        "evaluation_missing": not evaluations,
        "contract": application.contract if _has_contract(application) else None,
        "previewable_types": PREVIEWABLE_TYPES,
        # Only what the user may do now is shown; the services refuse the rest anyway.
        "can_assign": "assign" in allowed,
        "can_visit": "site_visit" in allowed,
        "can_evaluate": "evaluation" in allowed,
        "can_approve": "approve" in allowed,
        "can_request_changes": "request_changes" in allowed,
        "can_reject": "reject" in allowed,
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"recruiter": application.assignee_id}, candidates=_assignable_staff(user), prefix="assign"
        ),
        "visit_form": forms.get("visit_form")
        or SiteVisitForm(initial={"visited_on": timezone.localdate()}, prefix="visit"),
        "evaluation_form": forms.get("evaluation_form") or _evaluation_form_for(application),
        "changes_form": forms.get("changes_form") or request_changes_form(),
        "reject_form": forms.get("reject_form") or reject_form(),
        "approval_blockers": services.approval_blockers(application) if "approve" in allowed else [],
    }


@reviewer_staff_required
def review_detail(request, pk):
    application = _application_for(request, pk)
    return render(request, "merchants/review/detail.html", _review_context(request, application))


def _review_action(request, pk, *, form_name, build_form, perform, success):
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
    return _review_action(
        request,
        pk,
        form_name="assign_form",
        build_form=lambda application: AssignForm(
            request.POST, candidates=_assignable_staff(request.user), prefix="assign"
        ),
        perform=lambda application, data: services.application_assign(
            application=application, by=request.user, assignee=data["recruiter"]
        ),
        success=_("The application is assigned."),
    )


@reviewer_staff_required
@require_POST
def review_site_visit(request, pk):
    return _review_action(
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
def review_evaluation(request, pk):
    return _review_action(
        request,
        pk,
        form_name="evaluation_form",
        build_form=lambda application: _evaluation_form_for(application, request.POST),
        perform=lambda application, data: services.evaluation_record(
            application=application, by=request.user, data=data
        ),
        success=_("The star evaluation is recorded."),
    )


@reviewer_staff_required
@require_POST
def review_approve(request, pk):
    return _review_action(
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
    return _review_action(
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
    return _review_action(
        request,
        pk,
        form_name="reject_form",
        build_form=lambda application: reject_form(request.POST),
        perform=lambda application, data: services.application_reject(
            application=application, by=request.user, reason=data["reason"]
        ),
        success=_("The application is rejected."),
    )
