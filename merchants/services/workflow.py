"""The one place a status changes, who may do what in which state, and whom to tell."""

from __future__ import annotations

import datetime as dt
import logging

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.calendar import SHANGHAI
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.notifications import Text, notify
from workplace.roles import Role, RoleDirectory
from workplace.workflow import Workflow

from .. import permissions
from ..models import (
    APPLICATION_TRANSITIONS,
    EDITABLE_STATUSES,
    MERCHANT_TRANSITIONS,
    REVIEW_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Merchant,
    MerchantStatus,
    MerchantStatusChange,
)

logger = logging.getLogger(__name__)

# --- the workflow ------------------------------------------------------------------


# The two workflows of onboarding, as data (``workplace.workflow``).
APPLICATION_FLOW = Workflow(
    model=Application,
    history=ApplicationStatusChange,
    subject="application",
    transitions=APPLICATION_TRANSITIONS,
    labels=ApplicationStatus,
    noun=gettext_lazy("application"),
    changed_at_field="status_changed_at",
)
MERCHANT_FLOW = Workflow(
    model=Merchant,
    history=MerchantStatusChange,
    subject="merchant",
    transitions=MERCHANT_TRANSITIONS,
    labels=MerchantStatus,
    noun=gettext_lazy("merchant"),
)


def application_transition(
    *, application: Application, to_status: str, by=None, reason: str = "", fields: dict | None = None
) -> Application:
    """Move ``application`` to ``to_status`` along ``APPLICATION_FLOW`` (a conditional
    update on the status it was read with: of two concurrent decisions the second gets
    ``InvalidTransition``), saving ``fields`` with it and recording who, when and why."""
    return APPLICATION_FLOW.move(application, to_status, by=by, reason=reason, fields=fields)


def merchant_transition(*, merchant: Merchant, to_status: str, by=None, reason: str = "", fields=None) -> Merchant:
    """Move a merchant along ``MERCHANT_FLOW`` and record it."""
    return MERCHANT_FLOW.move(merchant, to_status, by=by, reason=reason, fields=fields)


def _require_state(application: Application, allowed, message=None) -> None:
    APPLICATION_FLOW.require(application, allowed, message)


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Please give a reason."), field="reason", code="required")
    return reason


# --- who may do what, in which state ---------------------------------------------

_OPEN_STATUSES = frozenset(status for status, targets in APPLICATION_TRANSITIONS.items() if targets)
_WITHDRAWABLE = frozenset(
    status for status, targets in APPLICATION_TRANSITIONS.items() if ApplicationStatus.WITHDRAWN in targets
)
# action → (may this user act on an application they can see?, statuses it is allowed in,
# the message when the role may not)
ACTIONS = {
    "edit": (
        permissions.is_portal_owner,
        EDITABLE_STATUSES,
        gettext_lazy("Only the merchant may edit its application."),
    ),
    "upload": (
        permissions.is_portal_owner,
        EDITABLE_STATUSES,
        gettext_lazy("Only the merchant may change its documents."),
    ),
    "submit": (
        permissions.is_portal_owner,
        frozenset({ApplicationStatus.DRAFT, ApplicationStatus.NEEDS_CHANGES}),
        gettext_lazy("Only the merchant may submit its application."),
    ),
    "withdraw": (
        permissions.is_portal_owner,
        _WITHDRAWABLE,
        gettext_lazy("Only the merchant may withdraw its application."),
    ),
    "sign": (
        permissions.is_portal_owner,
        frozenset({ApplicationStatus.CONTRACT_SENT}),
        gettext_lazy("Only the merchant may sign its contract."),
    ),
    "assign": (
        permissions.can_review,
        _OPEN_STATUSES - {ApplicationStatus.CONTRACT_SENT, ApplicationStatus.APPROVED},
        gettext_lazy("Only a recruitment head or above may assign applications."),
    ),
    "site_visit": (
        permissions.can_record_visit_or_evaluation,
        REVIEW_STATUSES,
        gettext_lazy("Only the assigned recruiter or a reviewer may record site visits."),
    ),
    "evaluation": (
        permissions.can_record_visit_or_evaluation,
        REVIEW_STATUSES,
        gettext_lazy("Only the assigned recruiter or a reviewer may record evaluations."),
    ),
    "approve": (
        permissions.can_review,
        REVIEW_STATUSES,
        gettext_lazy("Only a recruitment head or above may approve applications."),
    ),
    "request_changes": (
        permissions.can_review,
        REVIEW_STATUSES,
        gettext_lazy("Only a recruitment head or above may request changes."),
    ),
    "reject": (
        permissions.can_review,
        REVIEW_STATUSES,
        gettext_lazy("Only a recruitment head or above may reject applications."),
    ),
}


def application_action_check(*, application: Application, user, action: str) -> None:
    """Raise ``NotPermitted`` (403) if ``user`` may not do ``action`` on an application
    they can see, else ``InvalidTransition`` (409) if its status does not allow it.
    The API calls this before validating the input, so a wrong role or state is
    reported as such whatever the body."""
    may, statuses, refusal = ACTIONS[action]
    if not may(user, application):
        raise NotPermitted(refusal)
    _require_state(application, statuses)


def lock_and_check(*, application: Application, user, action: str) -> None:
    """``application_action_check`` inside a service's transaction, on the row locked and
    read again: the status checked is the current one and stays so until commit, so two
    concurrent actions on one application queue instead of both passing a stale check."""
    application.status = Application.objects.select_for_update().values_list("status", flat=True).get(pk=application.pk)
    application_action_check(application=application, user=user, action=action)


def application_allowed_actions(*, application: Application, user) -> list[str]:
    """The actions ``user`` may take now (to show the right buttons)."""
    allowed = []
    for action, (may, statuses, _refusal) in ACTIONS.items():
        if application.status in statuses and may(user, application):
            allowed.append(action)
    return allowed


def _format_moment(moment: dt.datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def _notify_merchant(application: Application, *, kind: str, title: Text, body: Text = "", dedupe_key=None):
    return notify(
        application.merchant.user,
        kind=kind,
        title=title,
        body=body,
        url=reverse("merchants:application_detail", args=[application.pk]),
        dedupe_key=dedupe_key,
    )


def review_url(application: Application) -> str:
    """Where staff act on the application: its review page (the admin only reads)."""
    return reverse("merchants:review_detail", args=[application.pk])


# --- who handles an application ----------------------------------------------------

# ``RoleDirectory`` (active users per role, once per run) lives in ``workplace.roles``.


def department_head(department):
    return department.head if department is not None and department.head_id else None


def review_assignees(application: Application, directory: RoleDirectory | None = None) -> list:
    """Who must act on the application now: the assignee; else the merchant's recruiter;
    else the head of the merchant's department; else every recruitment head."""
    for candidate in (application.assignee, application.merchant.recruiter):
        if candidate is not None:
            return [candidate]
    head = department_head(application.merchant.department)
    if head is not None:
        return [head]
    return (directory or RoleDirectory()).users(Role.RECRUITMENT_HEAD)
