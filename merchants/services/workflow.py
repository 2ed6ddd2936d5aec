"""The one place a status changes, who may do what in which state, and whom to tell."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.calendar import SHANGHAI
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.notifications import notify
from workplace.roles import Role

from .. import permissions
from ..models import (
    APPLICATION_TRANSITIONS,
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
)

logger = logging.getLogger(__name__)

# --- the workflow ------------------------------------------------------------------


@transaction.atomic
def application_transition(
    *, application: Application, to_status: str, by=None, reason: str = "", fields: dict | None = None
) -> Application:
    """Move ``application`` to ``to_status`` if ``APPLICATION_TRANSITIONS`` allows it and
    nobody moved it first; record who, when, from, to and why.

    The move is a conditional update on the status it was read with, so two concurrent
    decisions (or two runs of a job) never both succeed: the second gets
    ``InvalidTransition``. ``fields`` are saved with the move.
    """
    from_status = application.status
    if to_status not in APPLICATION_TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": ApplicationStatus(from_status).label, "to": ApplicationStatus(to_status).label},
            extra={"status": from_status},
        )
    now = timezone.now()
    fields = dict(fields or {})
    moved = Application.objects.filter(pk=application.pk, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now, **fields
    )
    if not moved:
        raise InvalidTransition(_("The application was changed by someone else; reload and try again."))
    application.status = to_status
    application.status_changed_at = now
    application.updated_at = now
    for name, value in fields.items():
        setattr(application, name, value)
    ApplicationStatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        reason=reason or "",
        changed_by=by if getattr(by, "pk", None) else None,
        changed_at=now,
    )
    return application


def _require_state(application: Application, allowed, message=None) -> None:
    if application.status not in allowed:
        raise InvalidTransition(
            message
            or _("This action is not allowed while the application is “%(status)s”.")
            % {"status": ApplicationStatus(application.status).label},
            extra={"status": application.status},
        )


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


def _lock_and_check(*, application: Application, user, action: str) -> None:
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


def _notify_merchant(application: Application, *, kind: str, title: str, body: str = "", dedupe_key=None):
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


class RoleDirectory:
    """Active users per role, fetched once per role: a batch job asks for the same
    people again and again."""

    def __init__(self):
        self._users: dict[str, list] = {}

    def users(self, role: str) -> list:
        if role not in self._users:
            from django.contrib.auth import get_user_model

            self._users[role] = list(get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk"))
        return self._users[role]

    def has_role(self, user, role: str) -> bool:
        return any(member.pk == user.pk for member in self.users(role))


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
