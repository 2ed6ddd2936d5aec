"""The complaint page: its progress, rounds and deadlines, and the forms of the steps the
reader may take now; each step posted calls its service and shows the service's refusal
next to the field it names (400) or as a page error (403, 409)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workplace.exceptions import ApplicationError
from workplace.models import Department
from workplace.roles import Role

from .. import forms, pdf, selectors, services
from ..models import CLOSED_STATUSES, DisputeLevel
from .common import STEPS, _complaint_for


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

# Lazy, like the steps' labels: the message speaks the language of the request that took the step.
DONE_MESSAGES = {
    "investigate": gettext_lazy("Investigation recorded."),
    "solution": gettext_lazy("Solution sent to customer service."),
    "opinion": gettext_lazy("Opinion recorded."),
    "implemented": gettext_lazy("Marked as carried out; customer service will visit."),
    "visits": gettext_lazy("Visit and survey recorded."),
    "close": gettext_lazy("Complaint closed and archived."),
    "escalate": gettext_lazy("Complaint escalated."),
    "arbitration_decision": gettext_lazy("Panel decision recorded and published to the merchant."),
    "arbitration_external": gettext_lazy("External arbitration outcome recorded."),
    "attachments": gettext_lazy("File attached."),
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
