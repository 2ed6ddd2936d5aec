"""Writes of the merchants app (SPEC.md §1): the onboarding workflow, documents, the
system check, review decisions, the contract and the merchant's lifecycle.

Every function is keyword-only and atomic. Callers fetch records through the selectors
(so a record the user may not see is a 404 before it gets here); these functions check
the role (``NotPermitted`` → 403), the state (``InvalidTransition`` → 409) and the input
(``ApplicationError(field=...)`` → 400). Only ``application_transition`` and
``merchant_transition`` change a status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from workplace.calendar import SHANGHAI, due_at, end_of_day
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.notifications import notify
from workplace.roles import COMPANY_WIDE_ROLES, Role, roles_of
from workplace.scoping import department_of

from . import checks, permissions
from .models import (
    APPLICATION_TRANSITIONS,
    CHECK_STATUSES,
    EDITABLE_STATUSES,
    MERCHANT_TRANSITIONS,
    REVIEW_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Category,
    CheckRun,
    Contract,
    Document,
    DocumentKind,
    EntityType,
    Finding,
    Merchant,
    MerchantStatus,
    MerchantStatusChange,
    Segment,
    SiteVisit,
    SiteVisitMedia,
    Terminal,
)
from .selectors import application_in_progress, onboarding_rules

logger = logging.getLogger(__name__)

MAX_MEDIA_SIZE = 200 * 1024 * 1024  # site-visit videos may be larger than certificates
ALLOWED_MEDIA_TYPES = {
    "image/jpeg": SiteVisitMedia.Kind.PHOTO,
    "image/png": SiteVisitMedia.Kind.PHOTO,
    "image/heic": SiteVisitMedia.Kind.PHOTO,
    "image/webp": SiteVisitMedia.Kind.PHOTO,
    "video/mp4": SiteVisitMedia.Kind.VIDEO,
    "video/quicktime": SiteVisitMedia.Kind.VIDEO,
    "video/webm": SiteVisitMedia.Kind.VIDEO,
    "video/3gpp": SiteVisitMedia.Kind.VIDEO,
}
# The profile fields the merchant fills; copied to the Merchant while it is a prospect.
PROFILE_FIELDS = (
    "company_name",
    "entity_type",
    "category",
    "segment",
    "uscc",
    "legal_rep_name",
    "legal_rep_id_number",
    "address",
    "district",
    "contact_phone",
)
_MERCHANT_FIELD = {"company_name": "name"}
_MERCHANT_FIELDS = (
    "company_name",
    "entity_type",
    "category",
    "segment",
    "uscc",
    "address",
    "district",
    "contact_phone",
)


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


def resubmit_deadline(moment: dt.datetime) -> dt.datetime:
    """End of the N-th calendar day (15 by default) after ``moment`` (Asia/Shanghai)."""
    local_date = moment.astimezone(SHANGHAI).date()
    days = onboarding_rules(local_date).resubmit_calendar_days
    return end_of_day(local_date + dt.timedelta(days=days))


def check_deadline(moment: dt.datetime) -> dt.datetime:
    """The system check finishes within N working days (1 by default) of submission."""
    return due_at(moment, onboarding_rules(moment.astimezone(SHANGHAI).date()).check_working_days)


def review_deadline(moment: dt.datetime) -> dt.datetime:
    """A reviewer decides within N working days (3 by default) of entering in_review."""
    return due_at(moment, onboarding_rules(moment.astimezone(SHANGHAI).date()).review_working_days)


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


# --- the merchant's application ----------------------------------------------------


def _clean_profile(data: dict, *, partial: bool) -> dict:
    """Validate the profile fields; errors name the field (400)."""
    cleaned = {}
    for name in PROFILE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        value = "" if value is None else str(value).strip()
        cleaned[name] = value
    if not partial or "company_name" in cleaned:
        if not cleaned.get("company_name"):
            raise ApplicationError(_("Please enter the company name."), field="company_name", code="required")
    if not partial or "category" in cleaned:
        if cleaned.get("category") not in Category.values:
            raise ApplicationError(_("Choose a valid category."), field="category", code="invalid_choice")
    if "entity_type" in cleaned and cleaned["entity_type"] not in EntityType.values:
        raise ApplicationError(_("Choose a valid entity type."), field="entity_type", code="invalid_choice")
    if "segment" in cleaned and cleaned["segment"] not in Segment.values:
        raise ApplicationError(_("Choose a valid segment."), field="segment", code="invalid_choice")
    if "uscc" in cleaned:
        cleaned["uscc"] = cleaned["uscc"].upper().replace(" ", "")
    if "legal_rep_id_number" in cleaned:
        cleaned["legal_rep_id_number"] = cleaned["legal_rep_id_number"].upper().replace(" ", "")
    limits = {field.name: field.max_length for field in Application._meta.fields if field.name in PROFILE_FIELDS}
    for name, value in cleaned.items():
        if limits.get(name) and len(value) > limits[name]:
            raise ApplicationError(
                _("At most %(count)d characters.") % {"count": limits[name]}, field=name, code="max_length"
            )
    if cleaned.get("entity_type") == "":
        cleaned.pop("entity_type")
    if cleaned.get("segment") == "":
        cleaned.pop("segment")
    return cleaned


def _sync_merchant_profile(application: Application) -> None:
    """A prospect's record mirrors its application's profile."""
    merchant = application.merchant
    if merchant.status != MerchantStatus.PROSPECT:
        return
    changed = []
    for name in _MERCHANT_FIELDS:
        target = _MERCHANT_FIELD.get(name, name)
        value = getattr(application, name)
        if getattr(merchant, target) != value:
            setattr(merchant, target, value)
            changed.append(target)
    if changed:
        merchant.save(update_fields=[*changed, "updated_at"])


def application_create_check(*, user) -> None:
    """Raise ``NotPermitted`` (403) unless ``user`` is a merchant's portal account, and
    ``InvalidTransition`` (409) while it has an application in progress: a merchant
    continues that one rather than starting another."""
    if Role.MERCHANT not in roles_of(user):
        raise NotPermitted(_("Only a merchant's portal account can apply."))
    if application_in_progress(user) is not None:
        raise InvalidTransition(
            _("You already have an application in progress; continue that one."), code="application_in_progress"
        )


@transaction.atomic
def application_create(*, user, data: dict) -> Application:
    """A merchant's portal account starts an application; the merchant record exists
    from now on, as a prospect. One application in progress per account."""
    # The account's row is locked first, so two concurrent requests cannot both pass
    # the "none in progress" check.
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    application_create_check(user=user)
    cleaned = _clean_profile(data, partial=False)
    # Applying again after a rejection, withdrawal or expiry keeps the same prospect.
    merchant = Merchant.objects.filter(user=user, status=MerchantStatus.PROSPECT).order_by("-pk").first()
    if merchant is None:
        merchant = Merchant.objects.create(name=cleaned["company_name"], category=cleaned["category"], user=user)
    application = Application.objects.create(merchant=merchant, created_by=user, **cleaned)
    _sync_merchant_profile(application)
    return application


@transaction.atomic
def application_update(*, application: Application, user, data: dict) -> Application:
    """The merchant edits its profile while the application is a draft or needs changes."""
    _lock_and_check(application=application, user=user, action="edit")
    cleaned = _clean_profile(data, partial=True)
    for name, value in cleaned.items():
        setattr(application, name, value)
    application.save(update_fields=[*cleaned.keys(), "updated_at"])
    _sync_merchant_profile(application)
    return application


def inspect_upload(file, *, allowed: dict, max_size: int, field: str = "file") -> tuple[str, int, str]:
    """Content type (from the bytes, never the name), size and SHA-256 of an upload;
    refuses types not in ``allowed`` and files over ``max_size`` (400 naming ``field``)."""
    if file is None:
        raise ApplicationError(_("Please choose a file."), field=field, code="required")
    size = file.size if getattr(file, "size", None) is not None else 0
    if size > max_size:
        raise ApplicationError(
            _("The file is larger than %(size)s MB.") % {"size": max_size // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    if size == 0:
        raise ApplicationError(_("The file is empty."), field=field, code="empty")
    file.seek(0)
    content_type = checks.detect_content_type(file.read(261))
    if content_type not in allowed:
        raise ApplicationError(
            _("This file type is not accepted; upload %(types)s.")
            % {"types": ", ".join(sorted(set(_type_names(allowed))))},
            field=field,
            code="file_type_invalid",
        )
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return content_type, size, digest.hexdigest()


def _type_names(allowed: dict):
    for mime in allowed:
        yield checks.ALLOWED_DOCUMENT_TYPES.get(mime) or mime.split("/")[-1].upper()


@transaction.atomic
def document_add(
    *, application: Application, user, kind: str, file, number: str = "", valid_until: dt.date | None = None
) -> Document:
    """The merchant uploads a certificate (PDF, JPEG or PNG by content; at most 10 MB)."""
    _lock_and_check(application=application, user=user, action="upload")
    if kind not in DocumentKind.values:
        raise ApplicationError(_("Choose a valid document kind."), field="kind", code="invalid_choice")
    number = (number or "").strip()
    if len(number) > 50:
        raise ApplicationError(_("At most %(count)d characters.") % {"count": 50}, field="number", code="max_length")
    content_type, size, sha256 = inspect_upload(
        file, allowed=checks.ALLOWED_DOCUMENT_TYPES, max_size=onboarding_rules().max_document_bytes
    )
    document = Document(
        application=application,
        kind=kind,
        number=number,
        valid_until=valid_until,
        original_name=(getattr(file, "name", "") or "")[:255],
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=user,
    )
    with files_removed_on_failure() as written:
        document.file.save(getattr(file, "name", "") or "upload", file, save=False)
        written.append(document.file)
        document.save()
    return document


@transaction.atomic
def document_delete(*, document: Document, user) -> None:
    """The merchant removes a document it uploaded, while it may still edit."""
    application = document.application
    _lock_and_check(application=application, user=user, action="upload")
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored) if stored else None)


@transaction.atomic
def application_submit(*, application: Application, user) -> Application:
    """Submit (or resubmit after changes); the system check runs right after commit."""
    _lock_and_check(application=application, user=user, action="submit")
    now = timezone.now()
    application_transition(
        application=application,
        to_status=ApplicationStatus.SUBMITTED,
        by=user,
        fields={
            "submitted_at": now,
            "check_due": check_deadline(now),
            "resubmit_due": None,
            "review_started_at": None,
            "review_due": None,
        },
    )
    _sync_merchant_profile(application)
    from .tasks import run_system_check

    application_id = application.pk
    transaction.on_commit(lambda: run_system_check.delay(application_id))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user, reason: str = "") -> Application:
    """The merchant withdraws its application (before signing)."""
    _lock_and_check(application=application, user=user, action="withdraw")
    application_transition(
        application=application, to_status=ApplicationStatus.WITHDRAWN, by=user, reason=(reason or "").strip()
    )
    return application


# --- the system check --------------------------------------------------------------


def document_facts(document: Document, *, read_file: bool = True) -> checks.DocumentFacts:
    """What the check needs from a document; with ``read_file`` the type and size come
    from the stored bytes rather than what the upload recorded."""
    content_type, size = document.content_type, document.size
    if read_file:
        try:
            with document.file.open("rb") as handle:
                content_type = checks.detect_content_type(handle.read(261))
            size = document.file.size
        except (OSError, ValueError):
            content_type, size = None, -1
    return checks.DocumentFacts(
        id=document.pk, kind=document.kind, valid_until=document.valid_until, size=size, content_type=content_type
    )


def application_checks(
    application: Application, *, documents: list[checks.DocumentFacts], today: dt.date
) -> list[checks.Finding]:
    """Every rule of the system check over the application's data and ``documents``,
    with the onboarding rule set in force ``today``."""
    rules = onboarding_rules(today)
    return checks.run_checks(
        entity_type=application.entity_type,
        uscc=application.uscc,
        legal_rep_name=application.legal_rep_name,
        legal_rep_id_number=application.legal_rep_id_number,
        address=application.address,
        district=application.district,
        documents=documents,
        today=today,
        expiry_warning_days=rules.expiry_warning_days,
        max_file_size=rules.max_document_bytes,
    )


def application_run_system_check(*, application_id: int, today: dt.date | None = None) -> CheckRun | None:
    """Run the system check on a submitted application; None when there is nothing to
    do (already checked, withdrawn, gone).

    The claim (submitted → auto_check), the findings and the outcome are one
    transaction: a crash leaves the application submitted, so a re-run picks it up, and
    a concurrent run waits for the row and then finds it claimed.
    """
    with transaction.atomic():
        application = Application.objects.select_related("merchant").filter(pk=application_id).first()
        if application is None or application.status != ApplicationStatus.SUBMITTED:
            return None
        try:
            application_transition(application=application, to_status=ApplicationStatus.AUTO_CHECK)
        except InvalidTransition:
            return None
        now = timezone.now()
        today = today or timezone.localdate(now)
        missing_file = []
        facts = []
        for document in application.documents.all():
            fact = document_facts(document)
            if fact.size < 0:
                missing_file.append(checks.Finding("file_missing", True, {"kind": document.kind}, document.pk))
            else:
                facts.append(fact)
        found = missing_file + application_checks(application, documents=facts, today=today)
        blocking = any(finding.blocking for finding in found)
        run = CheckRun.objects.create(application=application, ran_at=now, blocking=blocking)
        Finding.objects.bulk_create(
            Finding(run=run, code=f.code, blocking=f.blocking, params=f.params, document_id=f.document_id)
            for f in found
        )
        if blocking:
            application_transition(
                application=application,
                to_status=ApplicationStatus.NEEDS_CHANGES,
                # Stored untranslated, shown in the reader's language; the findings hold the details.
                reason=gettext_noop("The system check found blocking problems."),
                fields={"resubmit_due": resubmit_deadline(now)},
            )
            _notify_merchant(
                application,
                kind="application_needs_changes",
                title=_("Your application needs changes"),
                body=_("The system check found problems; please fix them and resubmit by %(due)s.")
                % {"due": _format_moment(application.resubmit_due)},
            )
        else:
            application_transition(
                application=application,
                to_status=ApplicationStatus.IN_REVIEW,
                fields={"review_started_at": now, "review_due": review_deadline(now)},
            )
            for recipient in review_assignees(application):
                notify(
                    recipient,
                    kind="application_in_review",
                    title=_("Application to review: %(name)s") % {"name": application.company_name},
                    body=_("Decide by %(due)s.") % {"due": _format_moment(application.review_due)},
                    url=review_url(application),
                )
        return run


@contextmanager
def files_removed_on_failure():
    """Yield a list of stored files (``FieldFile``); if the block raises they are deleted
    again: rolling the database back does not undo what was written to storage."""
    written: list = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                logger.warning("could not remove %s after a failed write", field_file.name)
        raise


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


def escalation_chain(application: Application, directory: RoleDirectory | None = None) -> list[list]:
    """Levels to notify about an overdue application, lowest first (SPEC.md §1.5:
    reviewer → recruitment head → operations director). A level that would repeat the
    previous people is skipped."""
    directory = directory or RoleDirectory()
    levels = [review_assignees(application, directory)]
    department = application.merchant.department
    if department is None and application.assignee is not None:
        profile = getattr(application.assignee, "staff_profile", None)
        department = profile.department if profile else None
    head = department_head(department)
    heads = [head] if head is not None else directory.users(Role.RECRUITMENT_HEAD)
    directors = []
    if head is not None:
        profile = getattr(head, "staff_profile", None)
        manager = profile.manager if profile else None
        if manager is not None and directory.has_role(manager, Role.OPS_DIRECTOR):
            directors = [manager]
    directors = directors or directory.users(Role.OPS_DIRECTOR)
    for level in (heads, directors):
        if level and {user.pk for user in level} != {user.pk for user in levels[-1]}:
            levels.append(level)
    return levels


# --- review ------------------------------------------------------------------------


@transaction.atomic
def application_assign(*, application: Application, by, assignee) -> Application:
    """A recruitment head (own department) or above assigns the application to a recruiter
    (or head); the merchant then belongs to that person and their department."""
    _lock_and_check(application=application, user=by, action="assign")
    if assignee is None or not assignee.is_active or not (roles_of(assignee) & permissions.ASSIGNABLE_ROLES):
        raise ApplicationError(_("Choose an active recruiter."), field="recruiter", code="invalid_choice")
    department_id = department_of(assignee)
    if not (roles_of(by) & COMPANY_WIDE_ROLES or by.is_superuser) and department_id != department_of(by):
        raise ApplicationError(
            _("You can assign only members of your own department."), field="recruiter", code="invalid_choice"
        )
    application.assignee = assignee
    application.save(update_fields=["assignee", "updated_at"])
    merchant = application.merchant
    merchant.recruiter = assignee
    merchant.department_id = department_id
    merchant.save(update_fields=["recruiter", "department", "updated_at"])
    notify(
        assignee,
        kind="application_assigned",
        title=_("Application assigned to you: %(name)s") % {"name": application.company_name},
        url=review_url(application),
    )
    return application


@transaction.atomic
def site_visit_record(*, application: Application, by, visited_on: dt.date, notes: str, media=()) -> SiteVisit:
    """Record a site visit (实地考察) with its photos and videos. The first one moves an
    application in review to ``site_visit``."""
    _lock_and_check(application=application, user=by, action="site_visit")
    if visited_on is None:
        raise ApplicationError(_("Please enter the date of the visit."), field="visited_on", code="required")
    if visited_on > timezone.localdate():
        raise ApplicationError(_("The visit date cannot be in the future."), field="visited_on", code="future")
    notes = (notes or "").strip()
    if not notes:
        raise ApplicationError(_("Please describe what you found."), field="notes", code="required")
    inspected = [
        (file, *inspect_upload(file, allowed=ALLOWED_MEDIA_TYPES, max_size=MAX_MEDIA_SIZE, field="media"))
        for file in media or ()
    ]
    visit = SiteVisit.objects.create(application=application, visited_on=visited_on, notes=notes, visitor=by)
    with files_removed_on_failure() as written:
        for file, content_type, size, sha256 in inspected:
            item = SiteVisitMedia(
                visit=visit,
                kind=ALLOWED_MEDIA_TYPES[content_type],
                original_name=(getattr(file, "name", "") or "")[:255],
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


@transaction.atomic
def evaluation_record(*, application: Application, by, data: dict):
    """Record a star evaluation (SPEC.md §2) for the application's merchant; the scoring
    app computes and versions it."""
    _lock_and_check(application=application, user=by, action="evaluation")
    from scoring.services import evaluation_create

    return evaluation_create(merchant=application.merchant, evaluator=by, data=data)


def latest_evaluation(merchant):
    try:
        from scoring.selectors import latest_evaluation as scoring_latest_evaluation
    except ImportError:  # the scoring app is not installed yet
        return None
    return scoring_latest_evaluation(merchant)


def approval_blockers(application: Application) -> list[str]:
    """Why the application cannot be approved yet (empty when it can): a star evaluation
    must be on file; dining & entertainment needs a site visit (SPEC.md §1.3)."""
    reasons = []
    if latest_evaluation(application.merchant) is None:
        reasons.append(_("Record a star evaluation before approving."))
    if application.category == Category.DINING_ENTERTAINMENT and not application.site_visits.exists():
        reasons.append(_("Dining & entertainment merchants need a site visit before approval."))
    return reasons


@transaction.atomic
def application_approve(*, application: Application, by, reason: str = "") -> Application:
    """Approve: the contract is rendered and sent to the merchant (contract_sent)."""
    _lock_and_check(application=application, user=by, action="approve")
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
        title=_("Your application is approved"),
        body=_("Please read and sign your contract in the portal."),
    )
    return application


@transaction.atomic
def application_request_changes(*, application: Application, by, reason: str) -> Application:
    """Send the application back to the merchant with what to fix (reason required)."""
    _lock_and_check(application=application, user=by, action="request_changes")
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
            "resubmit_due": resubmit_deadline(now),
        },
    )
    _notify_merchant(
        application,
        kind="application_needs_changes",
        title=_("Your application needs changes"),
        body=reason,
    )
    return application


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    """Reject the application (reason required). A decision: never deleted."""
    _lock_and_check(application=application, user=by, action="reject")
    reason = _require_reason(reason)
    application_transition(
        application=application,
        to_status=ApplicationStatus.REJECTED,
        by=by,
        reason=reason,
        fields={"decided_at": timezone.now(), "decided_by": by, "decision_reason": reason},
    )
    _notify_merchant(application, kind="application_rejected", title=_("Your application was rejected"), body=reason)
    return application


@transaction.atomic
def application_expire(*, application: Application, now: dt.datetime | None = None) -> bool:
    """Expire a needs_changes application whose resubmission deadline has passed."""
    now = now or timezone.now()
    if application.status != ApplicationStatus.NEEDS_CHANGES or not application.resubmit_due:
        return False
    if application.resubmit_due >= now:
        return False
    try:
        application_transition(
            application=application,
            to_status=ApplicationStatus.EXPIRED,
            reason=gettext_noop("Not resubmitted within 15 days."),
        )
    except InvalidTransition:
        return False
    _notify_merchant(
        application,
        kind="application_expired",
        title=_("Your application has expired"),
        body=_("It was not resubmitted within 15 days. You may start a new application."),
        dedupe_key=f"merchants:application:{application.pk}:expired",
    )
    return True


# --- the contract ------------------------------------------------------------------


def agreed_rates(merchant) -> dict:
    """The rates the contract prints, from the commissions app. Before that app offers
    its selector the contract says the rates follow the standard table."""
    try:
        from commissions.selectors import merchant_rates
    except ImportError:
        logger.warning("commissions.selectors.merchant_rates is not available; contract without rates")
        return {"prepaid_rate": None, "bank_card_fee": None, "prepaid_reference": "", "bank_card_reference": ""}
    rates = merchant_rates(merchant) or {}
    return {
        "prepaid_rate": _decimal_text(rates.get("prepaid_rate")),
        "bank_card_fee": _decimal_text(rates.get("bank_card_fee")),
        "prepaid_reference": str(rates.get("prepaid_reference") or ""),
        "bank_card_reference": str(rates.get("bank_card_reference") or ""),
    }


def _decimal_text(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def contract_number(application: Application, moment: dt.datetime) -> str:
    return f"ZS-{moment.astimezone(SHANGHAI):%Y%m%d}-{application.pk:06d}"


def _contract_context(contract: Contract, application: Application, signature: dict | None = None) -> dict:
    return {
        "contract": contract,
        "application": application,
        "merchant": application.merchant,
        "terms": contract.terms,
        "signature": signature,
        "category_label": Category(application.category).label,
        "entity_type_label": EntityType(application.entity_type).label,
    }


def contract_render(*, application: Application) -> Contract:
    """Render the contract PDF with the merchant's data and agreed rates (on approval)."""
    from workplace.pdf import render_pdf

    now = timezone.now()
    evaluation = latest_evaluation(application.merchant)
    contract = Contract(
        application=application,
        merchant=application.merchant,
        number=contract_number(application, now),
        terms={
            **agreed_rates(application.merchant),
            "issued_on": now.astimezone(SHANGHAI).date().isoformat(),
            "merchant_class": getattr(evaluation, "merchant_class", "") or "",
        },
        rendered_at=now,
    )
    pdf = render_pdf("merchants/pdf/contract.html", _contract_context(contract, application))
    contract.rendered_sha256 = hashlib.sha256(pdf).hexdigest()
    with files_removed_on_failure() as written:
        contract.rendered_pdf.save(f"{contract.number}.pdf", ContentFile(pdf), save=False)
        written.append(contract.rendered_pdf)
        contract.save()
    return contract


@transaction.atomic
def contract_sign(*, application: Application, user, signer_name: str, consent, ip_address: str | None) -> Contract:
    """The merchant signs online: typed name + consent; time and IP kept; the signed PDF
    (contract + signature block) is stored with its SHA-256. The merchant becomes active
    and is attributed to its recruiter, with its star class at this moment."""
    from workplace.pdf import render_pdf

    _lock_and_check(application=application, user=user, action="sign")
    signer_name = (signer_name or "").strip() if isinstance(signer_name, str) else ""
    if not signer_name:
        raise ApplicationError(_("Type your full name to sign."), field="signer_name", code="required")
    if len(signer_name) > 100:
        raise ApplicationError(
            _("At most %(count)d characters.") % {"count": 100}, field="signer_name", code="max_length"
        )
    if consent is not True:
        raise ApplicationError(_("You must agree to the contract to sign it."), field="consent", code="required")
    contract = Contract.objects.select_for_update().get(application=application)
    now = timezone.now()
    signature = {
        "signer_name": signer_name,
        "signed_at": now.astimezone(SHANGHAI),
        "ip_address": ip_address or "",
        "contract_sha256": contract.rendered_sha256,
    }
    pdf = render_pdf("merchants/pdf/contract.html", _contract_context(contract, application, signature))
    contract.signed_sha256 = hashlib.sha256(pdf).hexdigest()
    with files_removed_on_failure() as written:
        contract.signed_pdf.save(f"{contract.number}-signed.pdf", ContentFile(pdf), save=False)
        written.append(contract.signed_pdf)
        _contract_signed(
            application=application,
            contract=contract,
            user=user,
            signer_name=signer_name,
            now=now,
            ip_address=ip_address,
        )
    return contract


def _contract_signed(*, application: Application, contract: Contract, user, signer_name: str, now, ip_address):
    """What signing records once the signed PDF is stored."""
    contract.signer_name = signer_name
    contract.consent = True
    contract.signed_at = now
    contract.signer_ip = ip_address or None
    contract.signed_by = user
    contract.save(
        update_fields=["signed_pdf", "signed_sha256", "signer_name", "consent", "signed_at", "signer_ip", "signed_by"]
    )
    application_transition(application=application, to_status=ApplicationStatus.SIGNED, by=user)
    _sync_merchant_profile(application)
    merchant = application.merchant
    merchant_class = ""
    try:
        from scoring.selectors import evaluation_at
    except ImportError:
        evaluation_at = None
    if evaluation_at is not None:
        evaluation = evaluation_at(merchant, now)
        merchant_class = getattr(evaluation, "merchant_class", "") or ""
    merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.ACTIVE,
        by=user,
        reason=gettext_noop("Contract signed."),
        fields={"signed_at": now, "signing_recruiter": merchant.recruiter, "signed_class": str(merchant_class)},
    )
    for recipient in review_assignees(application):
        notify(
            recipient,
            kind="contract_signed",
            title=_("Contract signed: %(name)s") % {"name": merchant.name},
            url=review_url(application),
        )


# --- the merchant's lifecycle ------------------------------------------------------


@transaction.atomic
def merchant_transition(*, merchant: Merchant, to_status: str, by=None, reason: str = "", fields=None) -> Merchant:
    """Move a merchant along ``MERCHANT_TRANSITIONS`` (conditional update) and record it."""
    from_status = merchant.status
    if to_status not in MERCHANT_TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            _("A merchant that is “%(from)s” cannot become “%(to)s”.")
            % {"from": MerchantStatus(from_status).label, "to": MerchantStatus(to_status).label},
            extra={"status": from_status},
        )
    now = timezone.now()
    fields = dict(fields or {})
    moved = Merchant.objects.filter(pk=merchant.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if not moved:
        raise InvalidTransition(_("The merchant was changed by someone else; reload and try again."))
    merchant.status = to_status
    for name, value in fields.items():
        setattr(merchant, name, value)
    MerchantStatusChange.objects.create(
        merchant=merchant,
        from_status=from_status,
        to_status=to_status,
        reason=reason or "",
        changed_by=by if getattr(by, "pk", None) else None,
        changed_at=now,
    )
    return merchant


def _require_lifecycle_permission(by, merchant):
    if not permissions.can_change_merchant_status(by, merchant):
        raise NotPermitted(_("Only the merchant's recruiter or their managers may change its status."))


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, by, reason: str) -> Merchant:
    _require_lifecycle_permission(by, merchant)
    reason = _require_reason(reason)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.SUSPENDED,
        by=by,
        reason=reason,
        fields={"status_reason": reason[:500]},
    )


@transaction.atomic
def merchant_reactivate(*, merchant: Merchant, by, reason: str = "") -> Merchant:
    _require_lifecycle_permission(by, merchant)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.ACTIVE,
        by=by,
        reason=(reason or "").strip(),
        fields={"status_reason": ""},
    )


@transaction.atomic
def merchant_terminate(*, merchant: Merchant, by, reason: str, when: dt.datetime | None = None) -> Merchant:
    """Terminate (退机, churn): counted in the recruiter's churn rate (SPEC.md §5.4)."""
    _require_lifecycle_permission(by, merchant)
    reason = _require_reason(reason)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.TERMINATED,
        by=by,
        reason=reason,
        fields={"terminated_at": when or timezone.now(), "status_reason": reason[:500]},
    )


# --- POS terminals -----------------------------------------------------------------


@transaction.atomic
def terminal_create(
    *, merchant: Merchant, by, serial: str, installed_on: dt.date, pays_service_fee: bool = True
) -> Terminal:
    if not permissions.can_change_merchant_status(by, merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may add terminals."))
    serial = (serial or "").strip()
    if not serial:
        raise ApplicationError(_("Please enter the serial number."), field="serial", code="required")
    if Terminal.objects.filter(serial=serial).exists():
        raise ApplicationError(_("A terminal with this serial number exists."), field="serial", code="unique")
    if installed_on is None:
        raise ApplicationError(_("Please enter the installation date."), field="installed_on", code="required")
    return Terminal.objects.create(
        merchant=merchant, serial=serial, installed_on=installed_on, pays_service_fee=pays_service_fee
    )


@transaction.atomic
def terminal_remove(*, terminal: Terminal, by, removed_on: dt.date) -> Terminal:
    if not permissions.can_change_merchant_status(by, terminal.merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may remove terminals."))
    if removed_on is None or removed_on < terminal.installed_on:
        raise ApplicationError(
            _("The removal date cannot be before the installation date."), field="removed_on", code="invalid"
        )
    terminal.removed_on = removed_on
    terminal.save(update_fields=["removed_on"])
    return terminal


# --- deadlines (SPEC.md §1.5) ------------------------------------------------------

# Statuses in which each deadline runs, and the field holding it.
DEADLINES = {
    "system_check": (CHECK_STATUSES, "check_due"),
    "review": (REVIEW_STATUSES, "review_due"),
}


def escalation_level_due(due: dt.datetime, level: int) -> dt.datetime:
    """When level ``level`` is notified about a deadline ``due``: the reminder (level 0)
    once it has passed, each level up after one more working day."""
    from workplace.calendar import add_working_days

    if level == 0:
        return due
    return add_working_days(due.astimezone(SHANGHAI).date(), level).deadline


def onboarding_deadlines_process(*, now: dt.datetime | None = None) -> dict:
    """Remind, escalate and expire from the database state, so a missed run catches up
    and a repeated one sends nothing twice (each notice has a dedupe key).

    Overdue system checks and reviews: the assignee is reminded when the deadline passes,
    then each working day later the next level up (recruitment head, then operations
    director) is told. Needs-changes applications past their resubmission deadline expire.
    Notices already sent are looked up in one query, so a run with nothing new to say
    costs the same whatever the number of overdue applications.
    """
    from workplace.models import Notification

    now = now or timezone.now()
    sent = {"reminders": 0, "escalations": 0, "expired": 0}
    directory = RoleDirectory()
    due_notices = []
    level_due_cache: dict[tuple, dt.datetime] = {}  # the calendar, asked once per date
    for deadline_kind, (statuses, field) in DEADLINES.items():
        overdue = (
            Application.objects.filter(status__in=statuses, **{f"{field}__lt": now})
            .select_related(
                "merchant__recruiter",
                "merchant__department__head__staff_profile__manager",
                "assignee__staff_profile__department__head__staff_profile__manager",
            )
            .order_by("pk")
        )
        for application in overdue:
            due = getattr(application, field)
            for level, recipients in enumerate(escalation_chain(application, directory)):
                key = (due.astimezone(SHANGHAI).date(), level)
                if level and key not in level_due_cache:
                    level_due_cache[key] = escalation_level_due(due, level)
                if now <= (level_due_cache[key] if level else due):
                    break
                for recipient in recipients:
                    dedupe_key = _deadline_key(application, deadline_kind, due, level, recipient)
                    due_notices.append((dedupe_key, application, deadline_kind, due, level, recipient))
    already = set(
        Notification.objects.filter(dedupe_key__in=[notice[0] for notice in due_notices]).values_list(
            "dedupe_key", flat=True
        )
    )
    for dedupe_key, application, deadline_kind, due, level, recipient in due_notices:
        if dedupe_key in already:
            continue
        if _deadline_notice(application, deadline_kind, due, level, recipient, dedupe_key):
            sent["escalations" if level else "reminders"] += 1
    expiring = Application.objects.filter(status=ApplicationStatus.NEEDS_CHANGES, resubmit_due__lt=now).select_related(
        "merchant__user"
    )
    for application in expiring:
        sent["expired"] += application_expire(application=application, now=now)
    return sent


def _deadline_key(application, deadline_kind: str, due: dt.datetime, level: int, recipient) -> str:
    # The deadline is part of the key: a resubmitted application gets new reminders.
    return f"merchants:application:{application.pk}:{deadline_kind}:{due:%Y%m%d%H%M%S}:{level}:{recipient.pk}"


def _deadline_notice(application, deadline_kind: str, due: dt.datetime, level: int, recipient, dedupe_key) -> bool:
    if deadline_kind == "system_check":
        title = _("System check overdue: %(name)s") if level == 0 else _("Escalated: system check overdue for %(name)s")
    else:
        title = _("Review overdue: %(name)s") if level == 0 else _("Escalated: review overdue for %(name)s")
    body = _("It was due by %(due)s.") % {"due": _format_moment(due)}
    notification = notify(
        recipient,
        kind=f"application_{deadline_kind}_{'reminder' if level == 0 else 'escalation'}",
        title=title % {"name": application.company_name},
        body=body,
        url=review_url(application),
        dedupe_key=dedupe_key,
    )
    return notification is not None


def stalled_system_checks_run(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Run the system check for submitted applications whose queued check never ran (a
    lost task or a broker outage). Safe alongside the normal task: the run claims first."""
    cutoff = timezone.now() - older_than
    ran = 0
    for application_id in Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)[:200]:
        ran += application_run_system_check(application_id=application_id) is not None
    return ran
