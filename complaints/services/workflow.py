"""The complaint workflow (SPEC.md §4): the one transition table, who may act, the history
line each step writes, and the deadlines each step sets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.calendar import SHANGHAI, DueDate, add_working_days, working_deadline
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role, users_with_role
from workplace.rules import in_force
from workplace.workflow import Workflow

from ..models import (
    COMPLAINT_TRANSITIONS,
    STEP_OF_ACTION,
    STEP_OF_STATUS,
    Complaint,
    ComplaintEvent,
    ComplaintRuleSet,
    ComplaintStatus,
    ComplaintStatusChange,
)

FLOW = Workflow(
    model=Complaint,
    history=ComplaintStatusChange,
    subject="complaint",
    transitions=COMPLAINT_TRANSITIONS,
    labels=ComplaintStatus,
    noun=gettext_lazy("complaint"),
    changed_at_field="status_changed_at",
)

# Managers who may sit on the arbitration panel (level 2) and record its decision.
PANEL_ROLES = frozenset({Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER, Role.DEPT_HEAD})


def panel_candidates():
    """The managers who may sit on an arbitration panel (active holders of a panel role),
    by username: the page offers these and ``arbitration_decide`` accepts only these."""
    return users_with_role(*PANEL_ROLES).order_by("username")


def rules_on(day: dt.date) -> ComplaintRuleSet:
    """The complaint rule set in force on ``day`` (a 409 naming the rule if none is)."""
    return in_force(ComplaintRuleSet, on=day)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def month_of(moment: dt.datetime) -> dt.date:
    """First day of the month ``moment`` falls in, Asia/Shanghai (payroll and points)."""
    return local_date(moment).replace(day=1)


def deadline(moment: dt.datetime, working_days: int) -> DueDate:
    """End of the N-th working day after ``moment``'s date, with its fallback flag."""
    return working_deadline(moment, working_days)


def deadline_after_day(day: dt.date, working_days: int) -> DueDate:
    return add_working_days(day, working_days)


def due_fields(name: str, due: DueDate | None) -> dict:
    """``{"<name>": moment, "<name>_fallback": flag}`` for a stored deadline."""
    if due is None:
        return {name: None, f"{name}_fallback": False}
    return {name: due.deadline, f"{name}_fallback": due.fallback}


def lock(complaint: Complaint) -> Complaint:
    """The complaint re-read under a row lock: concurrent decisions queue behind it."""
    return Complaint.objects.select_for_update(of=("self",)).select_related("rules").get(pk=complaint.pk)


def record_event(complaint: Complaint, action: str, *, by, note: str = "", internal: bool = False, at=None):
    """Append one history line: the step its action belongs to (``STEP_OF_ACTION``, else
    the complaint's current step), the current round and level."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        step=STEP_OF_ACTION.get(action, STEP_OF_STATUS[complaint.status]),
        round=complaint.round,
        dispute_level=complaint.dispute_level,
        action=action,
        by=by if getattr(by, "pk", None) else None,
        at=at or timezone.now(),
        note=note or "",
        internal=internal,
    )


# --- who may act ---------------------------------------------------------------------


def is_customer_service(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.CUSTOMER_SERVICE)


def is_complaint_merchant(user, complaint: Complaint) -> bool:
    return has_role(user, Role.MERCHANT) and complaint.merchant.user_id == getattr(user, "pk", None)


def is_responsible(user, complaint: Complaint) -> bool:
    """The responsible person, or the responsible department's head (the transfer slip's
    addressee answers and implements)."""
    if user is None or not user.is_authenticated:
        return False
    if complaint.responsible_person_id == user.pk:
        return True
    department = complaint.responsible_department
    return department is not None and department.head_id == user.pk


def require_customer_service(user) -> None:
    if not is_customer_service(user):
        raise NotPermitted(_("Only customer service may do this."))


def require_responsible(user, complaint: Complaint) -> None:
    if not is_responsible(user, complaint):
        raise NotPermitted(_("Only the responsible person or the responsible department's head may do this."))


def require_customer_service_or_merchant(user, complaint: Complaint) -> None:
    if not (is_customer_service(user) or is_complaint_merchant(user, complaint)):
        raise NotPermitted(_("Only customer service or the merchant itself may do this."))


def require_panel_recorder(user) -> None:
    if not (is_customer_service(user) or has_role(user, *PANEL_ROLES)):
        raise NotPermitted(_("Only customer service or a manager may record an arbitration."))


# --- one check per action, for adapters that ask before reading the body -------------

S = ComplaintStatus
# action → (who may take it, the statuses it is taken in): the adapters ask through
# ``complaint_action_check`` and ``complaint_allowed_actions``.
ACTIONS = {
    "investigate": ("customer_service", {S.RECEIVED, S.INVESTIGATING}),
    "solution": ("responsible", {S.AWAITING_SOLUTION}),
    "opinion": ("customer_service_or_merchant", {S.AWAITING_OPINION}),
    "implemented": ("responsible", {S.IMPLEMENTING}),
    "visits": ("customer_service", {S.FOLLOW_UP}),
    "close": ("customer_service", {S.FOLLOW_UP}),
    "escalate": ("customer_service_or_merchant", {S.AWAITING_SOLUTION}),
    "arbitration_decision": ("panel", {S.AWAITING_SOLUTION}),
    "arbitration_external": ("panel", {S.AWAITING_SOLUTION}),
    "attachments": ("participant", set(ComplaintStatus.values) - {S.CLOSED, S.CLOSED_INVALID}),
}


def complaint_action_check(*, complaint: Complaint, user, action: str) -> None:
    """Refuse ``action`` for ``user`` (403) or for the complaint's state (409), before its
    input is read — the service checks the same again under its lock."""
    who, statuses = ACTIONS[action]
    if who == "customer_service":
        require_customer_service(user)
    elif who == "responsible":
        require_responsible(user, complaint)
    elif who == "customer_service_or_merchant":
        require_customer_service_or_merchant(user, complaint)
    elif who == "panel":
        require_panel_recorder(user)
    elif not (is_customer_service(user) or is_complaint_merchant(user, complaint) or is_responsible(user, complaint)):
        raise NotPermitted(_("Only the merchant, customer service or the responsible head may attach files."))
    FLOW.require(complaint, statuses)


def complaint_allowed_actions(*, complaint: Complaint, user) -> list[str]:
    """The actions of ``ACTIONS`` that ``complaint_action_check`` lets ``user`` take on
    ``complaint`` now (role and state), in table order: what a page may offer."""
    allowed = []
    for action in ACTIONS:
        try:
            complaint_action_check(complaint=complaint, user=user, action=action)
        except ApplicationError:
            continue
        allowed.append(action)
    return allowed


def complaint_receive_check(*, user) -> None:
    """Who may file a complaint at all: customer service, or a merchant's portal account."""
    if not (is_customer_service(user) or has_role(user, Role.MERCHANT)):
        raise NotPermitted(_("Only customer service or a merchant may file a complaint."))
