"""The merchant's and the application's choices, their workflows as data (status →
statuses it may move to, the groups of statuses the rules read), the terminal's statuses
and the storage names of the private files."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace import file_inspection


class Category(models.TextChoices):
    """Merchant categories; the commission table (SPEC.md §3) is keyed by these."""

    SUPERMARKET = "supermarket", _("Supermarket & department store")
    DINING_ENTERTAINMENT = "dining_entertainment", _("Dining & entertainment")
    LIFE_SERVICES = "life_services", _("Life services")
    LEISURE_FITNESS = "leisure_fitness", _("Leisure & fitness")
    BEAUTY_HAIR = "beauty_hair", _("Beauty & hair")


class Segment(models.TextChoices):
    SUPERMARKET = "supermarket", _("Supermarket")
    FEATURED = "featured", _("Featured merchant")
    BASIC = "basic", _("Basic merchant")


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise (business licence)")
    NON_ENTERPRISE = "non_enterprise", _("Non-enterprise organisation")


class MerchantStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# The merchant's life after signing; prospect → active happens only by signing.
MERCHANT_TRANSITIONS: dict[str, frozenset[str]] = {
    MerchantStatus.PROSPECT: frozenset({MerchantStatus.ACTIVE}),
    MerchantStatus.ACTIVE: frozenset({MerchantStatus.SUSPENDED, MerchantStatus.TERMINATED}),
    MerchantStatus.SUSPENDED: frozenset({MerchantStatus.ACTIVE, MerchantStatus.TERMINATED}),
    MerchantStatus.TERMINATED: frozenset(),
}


class MerchantClass(models.TextChoices):
    """Star-rating class (SPEC.md §2), recorded at signing for the recruiter's points."""

    I = "I", _("Class I")  # noqa: E741
    II = "II", _("Class II")
    III = "III", _("Class III")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AUTO_CHECK = "auto_check", _("System check")
    IN_REVIEW = "in_review", _("In review")
    SITE_VISIT = "site_visit", _("Site visited")
    APPROVED = "approved", _("Approved")
    CONTRACT_SENT = "contract_sent", _("Contract sent")
    SIGNED = "signed", _("Signed")
    NEEDS_CHANGES = "needs_changes", _("Needs changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


S = ApplicationStatus
# The onboarding workflow (SPEC.md §1) as data: status → statuses it may move to.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.AUTO_CHECK, S.WITHDRAWN}),
    S.AUTO_CHECK: frozenset({S.IN_REVIEW, S.NEEDS_CHANGES, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.SITE_VISIT, S.APPROVED, S.NEEDS_CHANGES, S.REJECTED, S.WITHDRAWN}),
    S.SITE_VISIT: frozenset({S.APPROVED, S.NEEDS_CHANGES, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.CONTRACT_SENT, S.WITHDRAWN}),
    S.CONTRACT_SENT: frozenset({S.SIGNED, S.WITHDRAWN}),
    S.NEEDS_CHANGES: frozenset({S.SUBMITTED, S.WITHDRAWN, S.EXPIRED}),
    S.SIGNED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.EXPIRED: frozenset(),
}
# The merchant may edit its profile and documents only in these.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.NEEDS_CHANGES})
# The system check is due (1 working day).
CHECK_STATUSES = frozenset({S.SUBMITTED, S.AUTO_CHECK})
# A reviewer is deciding: site visits, evaluations and decisions happen here.
REVIEW_STATUSES = frozenset({S.IN_REVIEW, S.SITE_VISIT})
CLOSED_STATUSES = frozenset(status for status, targets in APPLICATION_TRANSITIONS.items() if not targets)
del S


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    TAX_REGISTRATION = "tax_registration", _("Tax registration certificate")
    LEGAL_REP_ID = "legal_rep_id", _("ID card of the legal representative")
    ORG_REGISTRATION = "org_registration", _("Registration certificate of the organisation")


class TerminalStatus(models.TextChoices):
    INSTALLED = "installed", _("Installed")
    REMOVED = "removed", _("Removed")


def _private_name(prefix: str, suffix: str) -> str:
    """A generated storage name: the uploader's file name never reaches the disk."""
    return f"private/merchants/{prefix}/{uuid.uuid4().hex}{suffix}"


def _detected_suffix(instance) -> str:
    """An upload's extension from the type detected in its bytes, never the client's name."""
    return file_inspection.extension_for(getattr(instance, "content_type", ""))


def document_upload_to(instance, filename):
    return _private_name("documents", _detected_suffix(instance))


def visit_media_upload_to(instance, filename):
    return _private_name("visits", _detected_suffix(instance))


def contract_upload_to(instance, filename):
    # Contracts are rendered by the app; the name is ours, not a client's.
    return _private_name("contracts", PurePosixPath(filename or "").suffix.lower()[:10])
