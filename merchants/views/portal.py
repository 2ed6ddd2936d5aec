"""The merchant portal: register, apply, upload, submit, withdraw, sign, rates.

Views are adapters: they check who you are, find the record through a selector (an
unseen record is a 404), call a service of ``merchants.services`` and render the result.
A service refusing (``ApplicationError`` and its kin) is shown in the page, next to the
field it names when it names one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace import services as workplace_services
from workplace.exceptions import ApplicationError
from workplace.network import client_ip
from workplace.roles import Role, has_role, roles_of

from .. import checks, extensions, selectors, services
from ..forms import (
    ApplicationProfileForm,
    DocumentUploadForm,
    RegistrationForm,
    SignContractForm,
)
from ..models import (
    CLOSED_STATUSES,
    ApplicationStatus,
    CheckRun,
    Contract,
    Document,
    MerchantStatus,
)
from ..services.applications import SubmitRefused
from .common import (
    REVIEW_PAGE_ROLES,
    _application_for,
    _get_or_404,
    _has_contract,
    _latest_findings,
    _posted,
    deadline_of,
    document_checklist,
    merchant_required,
    merchants_of_portal_user,
    private_file_response,
)

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
        "upload_form": upload_form or DocumentUploadForm(max_mb=selectors.onboarding_rules().max_document_mb),
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
    form = DocumentUploadForm(request.POST, request.FILES, max_mb=selectors.onboarding_rules().max_document_mb)
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
    except SubmitRefused as error:
        # Nothing submitted: the page again, the blocking points listed by field.
        context = _merchant_detail_context(request, application)
        context["submit_refusal"] = {
            "message": error.message,
            "points": [{"field": checks.field_label(f.field), "message": f.message} for f in error.findings],
        }
        return render(request, "merchants/portal/application.html", context, status=400)
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
                ip_address=client_ip(request),
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
    """The contract PDF, to the merchant and to staff who may see the application: the
    signed one (with its signature block) once signed, the draft before, as the API's
    ``contract.pdf``. ``?signed=1`` asks for the signed one only (404 before signing);
    ``?signed=0`` for the draft as rendered on approval."""
    contract = _contract_for(request, pk)
    wanted = request.GET.get("signed")
    signed = wanted == "1" or (wanted != "0" and bool(contract.signed_pdf))
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
    merchants = merchants_of_portal_user(request.user)
    # The rates are commissions' (registered in ``merchants.extensions``).
    merchant_rates = extensions.one(extensions.merchant_rates)
    rows = []
    for merchant in merchants:
        signed = merchant.status != MerchantStatus.PROSPECT
        rows.append({"merchant": merchant, "signed": signed, "rates": merchant_rates(merchant) if signed else None})
    return render(request, "merchants/portal/rates.html", {"rows": rows})
