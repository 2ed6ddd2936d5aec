"""The three dispute levels (三级纠纷处理, seed 000; SPEC.md §4). Level 1 is the seven
steps. A merchant that rejected a solution may escalate to level 2, the platform's
arbitration panel (at least two managers, a written decision within 7 working days,
published to the merchant, who accepts or rejects it like any solution), then to level 3,
external arbitration (body, case number and outcome recorded; the outcome is carried out
as step 5). Escalation keeps the steps and the history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition

from ..models import Arbitration, Complaint, ComplaintStatus, DisputeLevel, EventAction
from .steps import _text, solution_add
from .workflow import (
    FLOW,
    deadline,
    due_fields,
    lock,
    panel_candidates,
    record_event,
    require_customer_service_or_merchant,
    require_panel_recorder,
)

S = ComplaintStatus
MIN_PANEL = 2


def _last_solution_rejected(complaint: Complaint) -> bool:
    solution = complaint.solutions.select_related("opinion").order_by("-round", "-attempt").first()
    opinion = getattr(solution, "opinion", None) if solution is not None else None
    return opinion is not None and not opinion.accepted


def can_escalate(complaint: Complaint) -> bool:
    """After a rejected solution, one level at a time, never past level 3; level 3 only
    once the panel has decided."""
    if complaint.status != S.AWAITING_SOLUTION or complaint.dispute_level >= DisputeLevel.EXTERNAL:
        return False
    if complaint.dispute_level == DisputeLevel.PLATFORM_PANEL:
        panel = complaint.arbitrations.filter(level=DisputeLevel.PLATFORM_PANEL).first()
        if panel is None or not panel.is_decided:
            return False
    return _last_solution_rejected(complaint)


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, by, reason: str, now: dt.datetime | None = None) -> Complaint:
    """The merchant (or customer service for it) takes a rejected solution one level up."""
    now = now or timezone.now()
    complaint = lock(complaint)
    require_customer_service_or_merchant(by, complaint)
    reason = _text(reason, "reason")
    if complaint.dispute_level >= DisputeLevel.EXTERNAL:
        raise InvalidTransition(_("The complaint is already in external arbitration, the last level."))
    if not can_escalate(complaint):
        raise InvalidTransition(
            _("A complaint can be escalated only after the merchant rejected its solution (or the panel's decision).")
        )
    level = complaint.dispute_level + 1
    fields = {"dispute_level": level, **due_fields("solution_due", None), "updated_at": now}
    due = None
    if level == DisputeLevel.PLATFORM_PANEL:
        due = deadline(now, complaint.rules.panel_working_days)
        fields.update(due_fields("panel_due", due))
    Arbitration.objects.create(
        complaint=complaint,
        level=level,
        reason=reason,
        escalated_by=by,
        escalated_at=now,
        due=due.deadline if due else None,
        due_fallback=due.fallback if due else False,
    )
    # The status stays (awaiting a solution, now from the next level); the lock held
    # since ``lock`` makes the plain update safe.
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    for name, value in fields.items():
        setattr(complaint, name, value)
    record_event(complaint, EventAction.ESCALATED, by=by, note=reason, at=now)
    return complaint


def _panel_members(usernames) -> list:
    names = sorted({str(name).strip() for name in (usernames or []) if str(name).strip()})
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    managers = list(panel_candidates().filter(username__in=names))
    if len(users) != len(names):
        raise ApplicationError(_("Some panel members are not known users."), field="panel", code="does_not_exist")
    if len(managers) != len(users):
        raise ApplicationError(_("Every panel member must be a manager."), field="panel", code="not_manager")
    if len(managers) < MIN_PANEL:
        raise ApplicationError(
            _("The arbitration panel has at least %(min)d managers.") % {"min": MIN_PANEL},
            field="panel",
            code="too_few",
        )
    return managers


def _open_arbitration(complaint: Complaint, level: int) -> Arbitration:
    arbitration = complaint.arbitrations.filter(level=level).first()
    if complaint.dispute_level != level or arbitration is None:
        raise InvalidTransition(
            _("The complaint is not at dispute level %(level)d.") % {"level": level}, code="wrong_level"
        )
    if arbitration.is_decided:
        raise InvalidTransition(_("This arbitration has already been decided."), code="already_decided")
    FLOW.require(complaint, {S.AWAITING_SOLUTION})
    return arbitration


@transaction.atomic
def arbitration_decide(*, complaint: Complaint, by, panel, decision: str, now: dt.datetime | None = None) -> Complaint:
    """Level 2: the panel's written decision, published to the merchant, who then gives
    its opinion on it as on any solution (step 4)."""
    now = now or timezone.now()
    require_panel_recorder(by)
    complaint = lock(complaint)
    arbitration = _open_arbitration(complaint, DisputeLevel.PLATFORM_PANEL)
    members = _panel_members(panel)
    decision = _text(decision, "decision")
    Arbitration.objects.filter(pk=arbitration.pk).update(
        decision=decision, decided_at=now, decided_by=by, published=True
    )
    arbitration.panel.set(members)
    record_event(complaint, EventAction.ARBITRATION_DECIDED, by=by, note=decision, at=now)
    solution_add(complaint, text=decision, by=by, now=now, dispute_level=DisputeLevel.PLATFORM_PANEL, event=False)
    return complaint


@transaction.atomic
def external_arbitration_record(
    *, complaint: Complaint, by, body: str, case_number: str, outcome: str, now: dt.datetime | None = None
) -> Complaint:
    """Level 3: the external arbitration's body, case number and outcome; the outcome is
    carried out by the responsible head (step 5)."""
    now = now or timezone.now()
    require_panel_recorder(by)
    complaint = lock(complaint)
    arbitration = _open_arbitration(complaint, DisputeLevel.EXTERNAL)
    body = _text(body, "body", max_length=200)
    case_number = _text(case_number, "case_number", max_length=100)
    outcome = _text(outcome, "outcome")
    Arbitration.objects.filter(pk=arbitration.pk).update(
        body=body, case_number=case_number, outcome=outcome, decided_at=now, decided_by=by, published=True
    )
    FLOW.move(complaint, S.IMPLEMENTING, by=by, reason=outcome, now=now)
    record_event(complaint, EventAction.EXTERNAL_OUTCOME, by=by, note=f"{body} {case_number}: {outcome}", at=now)
    return complaint
