"""The complaint pages (SPEC.md §4): customer service's work queue and intake, the
responsible head's queue, the complaint page with its rounds and the forms of the step at
hand, the merchant's list, detail and filing form in the portal, the service-level panel
and the four paper forms as PDFs.

Views are adapters: the record comes through ``complaints.selectors`` (a complaint one may
not see is a 404), each step calls its service in ``complaints.services`` and shows the
service's refusal next to the field it names (400), as a page error (403, 409)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.models import Merchant
from merchants.views.common import private_file_response
from workplace.exceptions import ApplicationError
from workplace.models import Department
from workplace.pagination import paginate
from workplace.roles import COMPANY_WIDE_ROLES, Role, has_role, is_staff_member, roles_of

from . import forms, pdf, queues, selectors, services
from .models import (
    CLOSED_STATUSES,
    Complaint,
    ComplaintStatus,
    ComplaintType,
    DisputeLevel,
)

S = ComplaintStatus
STEPS = [
    (1, _("Receive")),
    (2, _("Investigate")),
    (3, _("Transfer slip")),
    (4, _("Merchant's opinion")),
    (5, _("Implement")),
    (6, _("Follow-up visits")),
    (7, _("Close")),
]
# Who opens the service-level panel (over the complaints each may see).
PANEL_ROLES = COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE, Role.DEPT_HEAD, Role.RECRUITMENT_HEAD}


# ------------------------------------------------------------------------ who you are


def _is_merchant_only(user) -> bool:
    roles = roles_of(user)
    return Role.MERCHANT in roles and not (roles - {Role.MERCHANT}) and not user.is_superuser


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user) or has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def customer_service_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.is_customer_service(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def merchant_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _complaint_for(request, pk) -> Complaint:
    try:
        return selectors.complaint_detail(user=request.user, complaint_id=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _posted(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


# ----------------------------------------------------------------------- entry points


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


# ------------------------------------------------------------------------------ intake


def _attach_all(complaint, user, files) -> None:
    for upload in files:
        services.attachment_add(complaint=complaint, by=user, file=upload)


def _receive(request, form, *, merchant, received_at=None):
    """File the complaint and its files at once: a refused file files nothing (every file
    is checked before anything is stored)."""
    data = form.cleaned_data
    services.attachments_check(data.get("attachments") or [])
    with transaction.atomic():
        complaint = services.complaint_receive(
            user=request.user,
            merchant=merchant,
            type=data["type"],
            description=data["description"],
            received_at=received_at,
        )
        _attach_all(complaint, request.user, data.get("attachments") or [])
    return complaint


def _intake_merchants():
    return Merchant.objects.order_by("name", "id")


@customer_service_required
def intake(request):
    form = forms.IntakeForm(_posted(request), _files(request), merchants=_intake_merchants())
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _receive(
                request, form, merchant=form.cleaned_data["merchant"], received_at=form.cleaned_data["received_at"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Complaint %(number)s logged; the reply is due by %(due)s.")
                % {
                    "number": complaint.number,
                    "due": timezone.localtime(complaint.reply_due).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("complaints:detail", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/intake.html", {"form": form}, status=status)


def _own_merchants(user):
    return Merchant.objects.filter(user=user).order_by("name", "id")


@merchant_required
def mine(request):
    """The merchant's complaints and their progress."""
    page = paginate(request, queues.merchant_complaints(user=request.user), per_page=20)
    return render(request, "complaints/portal/list.html", {"page": page, "now": timezone.now()})


@merchant_required
def file_complaint(request):
    """The merchant files a complaint from the portal (phone-friendly)."""
    own = list(_own_merchants(request.user))
    if not own:
        messages.error(request, _("Your account has no merchant yet: start with your application."))
        return redirect("merchants:portal")
    form = forms.PortalComplaintForm(_posted(request), _files(request), merchants=_own_merchants(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _receive(request, form, merchant=form.cleaned_data.get("merchant"))
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Your complaint %(number)s is received. We will reply by %(due)s.")
                % {
                    "number": complaint.number,
                    "due": timezone.localtime(complaint.reply_due).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("complaints:detail", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/portal/file.html", {"form": form}, status=status)


# ---------------------------------------------------------------------- the complaint


def _people_for_investigation():
    departments = list(Department.objects.select_related("head").order_by("name", "id"))
    people = list(
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .exclude(groups__name=Role.MERCHANT)
        .order_by("username")
        .distinct()
    )
    return departments, people


def _panel_candidates():
    return list(services.panel_candidates())


def actions_now(user, complaint) -> list[str]:
    """The steps ``user`` may take on ``complaint`` now: the services' own checks (role
    and state), narrowed by the dispute level and the visits, so the page offers only
    forms the service will take."""
    allowed = services.complaint_allowed_actions(complaint=complaint, user=user)
    level = complaint.dispute_level
    arbitration = {a.level: a for a in complaint.arbitrations.all()}.get(level)
    undecided = arbitration is not None and not arbitration.is_decided

    def keep(action):
        if action == "solution":
            # Escalated: the arbitration decides until ``solution_due`` runs again.
            return level == DisputeLevel.CUSTOMER_SERVICE or complaint.solution_due is not None
        if action == "arbitration_decision":
            return level == DisputeLevel.PLATFORM_PANEL and undecided
        if action == "arbitration_external":
            return level == DisputeLevel.EXTERNAL and undecided
        if action == "escalate":
            return services.can_escalate(complaint)
        if action == "close":
            visits = [v for v in complaint.visits.all() if v.round == complaint.round]
            return len(visits) >= complaint.required_visits and visits[-1].is_satisfied
        return True

    return [action for action in allowed if keep(action)]


def _rounds(complaint, events):
    """The timeline: one block per round, its events in order, the current round last."""
    by_round: dict[int, list] = {}
    for event in events:
        by_round.setdefault(event.round, []).append(event)
    return [{"round": number, "events": by_round[number]} for number in sorted(by_round)]


def _deadline_rows(complaint):
    rows = []
    for name, label in (
        ("reply_due", _("Reply due")),
        ("solution_due", _("Solution due")),
        ("follow_up_due", _("Follow-up visit due")),
        ("panel_due", _("Panel decision due")),
    ):
        moment = getattr(complaint, name)
        if moment is not None:
            rows.append(
                {"name": name, "label": label, "due": moment, "fallback": getattr(complaint, f"{name}_fallback")}
            )
    return rows


def _action_forms(request, complaint, allowed, bound=None):
    """A form for each action the user may take; ``bound`` = (action, form with errors)."""
    built = {}
    for action in allowed:
        if bound and bound[0] == action:
            built[action] = bound[1]
            continue
        built[action] = _make_form(action, complaint, None, None)
    return built


def _make_form(action, complaint, data, files):
    if action == "investigate":
        departments, people = _people_for_investigation()
        initial = {}
        if complaint.responsible_department_id:
            initial = {
                "responsible_department": complaint.responsible_department.code,
                "responsible_person": getattr(complaint.responsible_person, "username", ""),
            }
        return forms.InvestigationForm(data, departments=departments, people=people, initial=initial)
    if action == "arbitration_decision":
        return forms.ArbitrationDecisionForm(data, managers=_panel_candidates())
    if action == "attachments":
        evidence = any(not a.is_decided and a.level == complaint.dispute_level for a in complaint.arbitrations.all())
        return forms.AttachmentForm(data, files, evidence_allowed=evidence)
    if action == "visits":
        return forms.VisitForm(data, initial={"visited_on": timezone.localdate()})
    return ACTION_FORMS[action](data)


ACTION_FORMS = {
    "solution": forms.SolutionForm,
    "opinion": forms.OpinionForm,
    "implemented": forms.ImplementedForm,
    "close": forms.CloseForm,
    "escalate": forms.EscalateForm,
    "arbitration_external": forms.ExternalOutcomeForm,
}

ACTION_SERVICES = {
    "investigate": services.complaint_investigate,
    "solution": services.complaint_propose_solution,
    "opinion": services.complaint_record_opinion,
    "implemented": services.complaint_mark_implemented,
    "visits": services.complaint_record_visit,
    "close": services.complaint_close,
    "escalate": services.complaint_escalate,
    "arbitration_decision": services.arbitration_decide,
    "arbitration_external": services.external_arbitration_record,
    "attachments": services.attachment_add,
}

DONE_MESSAGES = {
    "investigate": _("Investigation recorded."),
    "solution": _("Solution sent to customer service."),
    "opinion": _("Opinion recorded."),
    "implemented": _("Marked as carried out; customer service will visit."),
    "visits": _("Visit and survey recorded."),
    "close": _("Complaint closed and archived."),
    "escalate": _("Complaint escalated."),
    "arbitration_decision": _("Panel decision recorded and published to the merchant."),
    "arbitration_external": _("External arbitration outcome recorded."),
    "attachments": _("File attached."),
}


def _detail_context(request, complaint, *, bound=None, page_error=None):
    user = request.user
    merchant_view = selectors.is_merchant_view(user, complaint)
    events = list(complaint.events.all())
    if merchant_view:
        events = [event for event in events if not event.internal]
    allowed = actions_now(user, complaint)
    solutions = sorted(complaint.solutions.all(), key=lambda s: (s.round, s.attempt))
    current_visits = [v for v in complaint.visits.all() if v.round == complaint.round]
    return {
        "complaint": complaint,
        "merchant_view": merchant_view,
        "step": complaint.step,
        "steps": STEPS,
        "rounds": _rounds(complaint, events),
        "deadlines": _deadline_rows(complaint),
        "solution": solutions[-1] if solutions else None,
        "visits": list(complaint.visits.all()),
        "visits_this_round": len(current_visits),
        "required_visits": complaint.required_visits,
        "arbitrations": list(complaint.arbitrations.all()),
        "attachments": list(complaint.attachments.all()),
        "penalties": selectors.penalties_visible_to(request.user, complaint),
        "actions": _action_forms(request, complaint, allowed, bound),
        "pdf_forms": pdf.FORMS.values(),
        "page_error": page_error,
        "now": timezone.now(),
        "is_closed": complaint.status in CLOSED_STATUSES,
    }


def _render_detail(request, complaint, *, status=200, **extra):
    context = _detail_context(request, complaint, **extra)
    template = "complaints/portal/detail.html" if context["merchant_view"] else "complaints/detail.html"
    return render(request, template, context, status=status)


@login_required
def detail(request, pk):
    return _render_detail(request, _complaint_for(request, pk))


@login_required
@require_POST
def act(request, pk, action):
    """One step of the complaint: parse the form, call the step's service."""
    if action not in ACTION_SERVICES:
        raise Http404
    complaint = _complaint_for(request, pk)
    form = _make_form(action, complaint, request.POST, request.FILES)
    try:
        services.complaint_action_check(complaint=complaint, user=request.user, action=action)
        if not form.is_valid():
            return _render_detail(request, complaint, status=400, bound=(action, form))
        kwargs = {"complaint": complaint, "by": request.user, **form.service_kwargs()}
        ACTION_SERVICES[action](**kwargs)
    except ApplicationError as error:
        if error.status_code == 400 and error.field in form.fields:
            form.add_service_error(error)
            fresh = _complaint_for(request, pk)
            return _render_detail(request, fresh, status=400, bound=(action, form))
        fresh = _complaint_for(request, pk)
        return _render_detail(request, fresh, status=error.status_code, page_error=str(error.message))
    messages.success(request, DONE_MESSAGES[action])
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
def attachment_file(request, pk, attachment_pk):
    attachment = selectors.attachments_for_user(request.user).filter(complaint_id=pk, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name or f"attachment-{attachment.pk}",
        as_attachment=request.GET.get("download") == "1",
    )


@login_required
def form_pdf(request, pk, form):
    """One of the four paper forms as PDF; the merchant gets its own copy."""
    if form not in pdf.FORMS:
        raise Http404
    complaint = _complaint_for(request, pk)
    return pdf_response(request.user, complaint, form)


def pdf_response(user, complaint, form) -> HttpResponse:
    """The PDF answer shared by the page and the API."""
    content = pdf.complaint_form_pdf(complaint, form, merchant_copy=selectors.is_merchant_view(user, complaint))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.form_filename(complaint, form)}"'
    response["Cache-Control"] = "private, no-store"
    return response
