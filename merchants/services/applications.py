"""The merchant's application: its profile, create, edit, submit, withdraw."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted
from workplace.roles import Role, roles_of
from workplace.tasks import enqueue_on_commit

from .. import checks
from ..models import (
    Application,
    ApplicationStatus,
    Category,
    Document,
    EntityType,
    Merchant,
    MerchantStatus,
    Segment,
)
from ..selectors import application_in_progress
from .deadlines import deadline_fields
from .system_check import application_checks, document_facts
from .workflow import application_transition, lock_and_check

logger = logging.getLogger(__name__)

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
    # An encrypted field's limit is on its plain value (workplace.pii.EncryptedCharField).
    limits = {
        field.name: getattr(field, "plain_max_length", None) or field.max_length
        for field in Application._meta.fields
        if field.name in PROFILE_FIELDS
    }
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
    lock_and_check(application=application, user=user, action="edit")
    cleaned = _clean_profile(data, partial=True)
    for name, value in cleaned.items():
        setattr(application, name, value)
    application.save(update_fields=[*cleaned.keys(), "updated_at"])
    _sync_merchant_profile(application)
    return application


class SubmitRefused(ApplicationError):
    """The pre-check found blocking problems (400): nothing is submitted. ``findings``
    holds them; the body names each field at fault with its messages, and lists them as
    the detail's ``findings`` do."""

    default_code = "blocking_findings"

    def __init__(self, findings: list[checks.Finding]):
        self.findings = findings
        by_field: dict[str, list[str]] = {}
        for finding in findings:
            by_field.setdefault(finding.field, []).append(str(finding.message))
        super().__init__(
            _("The application cannot be submitted yet: fix the blocking points listed first."),
            extra={
                **by_field,
                "findings": [
                    {"field": f.field, "code": f.code, "message": str(f.message), "blocking": f.blocking}
                    for f in findings
                ],
            },
        )


def submit_blockers(application: Application, *, today: dt.date) -> list[checks.Finding]:
    """The blocking findings the system check would report now, known before submitting
    (completeness, check characters, expiry, file type and size as stored at upload,
    address): a submit with any of them is refused rather than bounced to needs_changes."""
    documents = [
        document_facts(document, read_file=False)
        for document in Document.objects.filter(application=application).order_by("kind", "id")
    ]
    return [f for f in application_checks(application, documents=documents, today=today) if f.blocking]


@transaction.atomic
def application_submit(*, application: Application, user) -> Application:
    """Submit (or resubmit after changes); the system check runs right after commit.
    Refused (``SubmitRefused``, 400, nothing written) while the pre-check has blocking
    findings."""
    lock_and_check(application=application, user=user, action="submit")
    now = timezone.now()
    # The profile as it is now, under the lock (a copy read before it may be stale).
    application.refresh_from_db(fields=list(PROFILE_FIELDS))
    blockers = submit_blockers(application, today=timezone.localdate(now))
    if blockers:
        raise SubmitRefused(blockers)
    application_transition(
        application=application,
        to_status=ApplicationStatus.SUBMITTED,
        by=user,
        fields={
            "submitted_at": now,
            "review_started_at": None,
            **deadline_fields(ApplicationStatus.SUBMITTED, now, clear_others=True),
        },
    )
    _sync_merchant_profile(application)
    from ..tasks import run_system_check

    enqueue_on_commit(run_system_check, application.pk)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user, reason: str = "") -> Application:
    """The merchant withdraws its application (before signing)."""
    lock_and_check(application=application, user=user, action="withdraw")
    application_transition(
        application=application, to_status=ApplicationStatus.WITHDRAWN, by=user, reason=(reason or "").strip()
    )
    return application
