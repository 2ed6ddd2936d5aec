"""Staff review: assignment, site visits, evaluations, approval, changes, rejection."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition
from workplace.file_inspection import clean_original_name
from workplace.notifications import notify
from workplace.roles import roles_of
from workplace.scoping import department_of

from .. import extensions, permissions
from ..models import (
    Application,
    ApplicationStatus,
    Category,
    SiteVisit,
    SiteVisitMedia,
)
from ..selectors import assignable_staff, onboarding_rules
from .contracts import contract_render
from .deadlines import deadline_fields
from .uploads import ALLOWED_MEDIA_TYPES, files_removed_on_failure, inspect_upload
from .workflow import _notify_merchant, _require_reason, application_transition, lock_and_check, review_url

logger = logging.getLogger(__name__)

# --- review ------------------------------------------------------------------------


@transaction.atomic
def application_assign(*, application: Application, by, assignee) -> Application:
    """A recruitment head (own department) or above assigns the application to a recruiter
    (or head) of ``selectors.assignable_staff(by)``; the merchant then belongs to that
    person and their department."""
    lock_and_check(application=application, user=by, action="assign")
    if assignee is None or not assignee.is_active or not (roles_of(assignee) & permissions.ASSIGNABLE_ROLES):
        raise ApplicationError(_("Choose an active recruiter."), field="recruiter", code="invalid_choice")
    # Refused before anything is written: an assignment the actor may not make would also
    # take the application out of their own view (a head without a department assigning
    # someone without one).
    if not assignable_staff(by).filter(pk=assignee.pk).exists():
        raise ApplicationError(
            _("You can assign only members of your own department."), field="recruiter", code="invalid_choice"
        )
    department_id = department_of(assignee)
    application.assignee = assignee
    application.save(update_fields=["assignee", "updated_at"])
    merchant = application.merchant
    merchant.recruiter = assignee
    merchant.department_id = department_id
    merchant.save(update_fields=["recruiter", "department", "updated_at"])
    notify(
        assignee,
        kind="application_assigned",
        title=lambda: _("Application assigned to you: %(name)s") % {"name": application.company_name},
        url=review_url(application),
    )
    return application


@transaction.atomic
def site_visit_record(*, application: Application, by, visited_on: dt.date, notes: str, media=()) -> SiteVisit:
    """Record a site visit (实地考察) with its photos and videos. The first one moves an
    application in review to ``site_visit``."""
    lock_and_check(application=application, user=by, action="site_visit")
    if visited_on is None:
        raise ApplicationError(_("Please enter the date of the visit."), field="visited_on", code="required")
    if visited_on > timezone.localdate():
        raise ApplicationError(_("The visit date cannot be in the future."), field="visited_on", code="future")
    notes = (notes or "").strip()
    if not notes:
        raise ApplicationError(_("Please describe what you found."), field="notes", code="required")
    # Site-visit videos may be larger than certificates: their own limit in the rule set.
    max_size = onboarding_rules().max_media_bytes
    inspected = [
        (file, *inspect_upload(file, allowed=ALLOWED_MEDIA_TYPES, max_size=max_size, field="media"))
        for file in media or ()
    ]
    visit = SiteVisit.objects.create(application=application, visited_on=visited_on, notes=notes, visitor=by)
    with files_removed_on_failure() as written:
        for file, content_type, size, sha256 in inspected:
            item = SiteVisitMedia(
                visit=visit,
                kind=ALLOWED_MEDIA_TYPES[content_type],
                original_name=clean_original_name(getattr(file, "name", "")),
                content_type=content_type,
                size=size,
                sha256=sha256,
            )
            item.file.save(getattr(file, "name", "") or "media", file, save=False)
            written.append(item.file)
            item.save()
        if application.status == ApplicationStatus.IN_REVIEW:
            application_transition(application=application, to_status=ApplicationStatus.SITE_VISIT, by=by)
    return visit


def approval_blockers(application: Application) -> list[str]:
    """Why the application cannot be approved yet (empty when it can): a star evaluation
    must be on file (registered by scoring in ``extensions.approval_blockers``); dining &
    entertainment needs a site visit (SPEC.md §1.3)."""
    extensions.approval_blockers.require()
    reasons = []
    for blocker in extensions.approval_blockers:
        reasons.extend(blocker(application))
    if application.category == Category.DINING_ENTERTAINMENT and not application.site_visits.exists():
        reasons.append(_("Dining & entertainment merchants need a site visit before approval."))
    return reasons


@transaction.atomic
def application_approve(*, application: Application, by, reason: str = "") -> Application:
    """Approve: the contract is rendered and sent to the merchant (contract_sent)."""
    lock_and_check(application=application, user=by, action="approve")
    blockers = approval_blockers(application)
    if blockers:
        raise InvalidTransition(" ".join(str(b) for b in blockers), code="approval_requirements_missing")
    now = timezone.now()
    application_transition(
        application=application,
        to_status=ApplicationStatus.APPROVED,
        by=by,
        reason=(reason or "").strip(),
        fields={"decided_at": now, "decided_by": by, "decision_reason": (reason or "").strip()},
    )
    with files_removed_on_failure() as written:
        written.append(contract_render(application=application).rendered_pdf)
        application_transition(application=application, to_status=ApplicationStatus.CONTRACT_SENT, by=by)
    _notify_merchant(
        application,
        kind="application_approved",
        title=lambda: _("Your application is approved"),
        body=lambda: _("Please read and sign your contract in the portal."),
    )
    return application


@transaction.atomic
def application_request_changes(*, application: Application, by, reason: str) -> Application:
    """Send the application back to the merchant with what to fix (reason required)."""
    lock_and_check(application=application, user=by, action="request_changes")
    reason = _require_reason(reason)
    now = timezone.now()
    application_transition(
        application=application,
        to_status=ApplicationStatus.NEEDS_CHANGES,
        by=by,
        reason=reason,
        fields={
            "decided_at": now,
            "decided_by": by,
            "decision_reason": reason,
            **deadline_fields(ApplicationStatus.NEEDS_CHANGES, now),
        },
    )
    _notify_merchant(
        application,
        kind="application_needs_changes",
        title=lambda: _("Your application needs changes"),
        body=reason,
    )
    return application


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    """Reject the application (reason required). A decision: never deleted."""
    lock_and_check(application=application, user=by, action="reject")
    reason = _require_reason(reason)
    application_transition(
        application=application,
        to_status=ApplicationStatus.REJECTED,
        by=by,
        reason=reason,
        fields={"decided_at": timezone.now(), "decided_by": by, "decision_reason": reason},
    )
    _notify_merchant(
        application, kind="application_rejected", title=lambda: _("Your application was rejected"), body=reason
    )
    return application
