"""Merchants and their onboarding (SPEC.md §1).

A merchant record exists from the moment its application is created (a prospect); the
application carries the onboarding workflow, whose allowed moves are the data in
``APPLICATION_TRANSITIONS``. Only ``merchants.services`` changes a status.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace.workflow import StatusChange

# The data migrations date the rule sets they seed 2000-01-01, meaning "from the start".
INITIAL_EFFECTIVE_FROM = dt.date(2000, 1, 1)


def in_force_label(effective_from: dt.date) -> str:
    """How a dated rule set reads: the seeded one as the initial rules, never by its
    2000-01-01 placeholder; a later one by the date it took effect."""
    if effective_from <= INITIAL_EFFECTIVE_FROM:
        return str(_("initial rules, in force from the start"))
    return str(_("in force since %(date)s") % {"date": f"{effective_from:%Y-%m-%d}"})


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


def _private_name(prefix: str, filename: str) -> str:
    """A generated storage name: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename or "").suffix.lower()[:10]
    return f"private/merchants/{prefix}/{uuid.uuid4().hex}{suffix}"


def document_upload_to(instance, filename):
    return _private_name("documents", filename)


def visit_media_upload_to(instance, filename):
    return _private_name("visits", filename)


def contract_upload_to(instance, filename):
    return _private_name("contracts", filename)


class Merchant(models.Model):
    """A merchant of the alliance (商户). It starts as a prospect when its application is
    created and becomes active when it signs its contract."""

    name = models.CharField(_("company name"), max_length=200)
    entity_type = models.CharField(
        _("entity type"), max_length=20, choices=EntityType.choices, default=EntityType.ENTERPRISE
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, default=Segment.BASIC)
    status = models.CharField(
        _("status"), max_length=20, choices=MerchantStatus.choices, default=MerchantStatus.PROSPECT, db_index=True
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The portal account of the merchant; a merchant sees only records tied to it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchants",
    )
    # The owning recruiter (points, bonuses, visibility) and their department at the time.
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recruiter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_merchants",
    )
    department = models.ForeignKey(
        "workplace.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchants",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # Who signed it up and its star class at that moment: what the recruiter's monthly
    # points count (SPEC.md §5.1), whatever happens to the ownership later.
    signing_recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signing recruiter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_merchants",
    )
    signed_class = models.CharField(_("class at signing"), max_length=3, choices=MerchantClass.choices, blank=True)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["-created_at", "-id"]
        permissions = [("change_merchant_status", _("Can suspend, reactivate and terminate merchants"))]

    def __str__(self):
        return self.name


class MerchantStatusChange(StatusChange):
    """One move of a merchant's status (who, when, from, to, why). Never deleted."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=MerchantStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=MerchantStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("merchant status change")
        verbose_name_plural = _("merchant status changes")

    def __str__(self):
        return f"{self.merchant_id}: {self.from_status} → {self.to_status}"


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


class Application(models.Model):
    """A merchant's application to join the alliance (入驻申请), from draft to signed contract."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    company_name = models.CharField(_("company name"), max_length=200)
    entity_type = models.CharField(
        _("entity type"), max_length=20, choices=EntityType.choices, default=EntityType.ENTERPRISE
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, default=Segment.BASIC)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_rep_name = models.CharField(_("legal representative"), max_length=100, blank=True)
    legal_rep_id_number = models.CharField(_("legal representative's ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The staff member who handles the review (a recruiter assigned by a head, or the head).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_applications",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Deadlines (SPEC.md §1.5), all as the last moment allowed, given by
    # ``services.deadlines.DEADLINE_TABLE``. A working-day deadline's ``_fallback`` flag is
    # set when a day it counted came from the Monday–Friday fallback (a year the calendar
    # does not know, SPEC.md §7); the resubmission counts calendar days and has none.
    check_due = models.DateTimeField(_("system check due"), null=True, blank=True)
    check_due_fallback = models.BooleanField(_("system check due counted fallback days"), default=False)
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    review_due = models.DateTimeField(_("review due"), null=True, blank=True)
    review_due_fallback = models.BooleanField(_("review due counted fallback days"), default=False)
    resubmit_due = models.DateTimeField(_("resubmission due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "review_due"]), models.Index(fields=["status", "check_due"])]

    def __str__(self):
        return f"{self.company_name} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def allowed_transitions(self) -> frozenset[str]:
        return APPLICATION_TRANSITIONS.get(self.status, frozenset())


class ApplicationStatusChange(StatusChange):
    """One move of an application's status (who, when, from, to, why). Never deleted."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=ApplicationStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    TAX_REGISTRATION = "tax_registration", _("Tax registration certificate")
    LEGAL_REP_ID = "legal_rep_id", _("ID card of the legal representative")
    ORG_REGISTRATION = "org_registration", _("Registration certificate of the organisation")


class Document(models.Model):
    """A certificate the merchant uploaded (营业执照, 税务登记证, 法人身份证, 登记证书).

    The file is private: stored under a generated name and served only through a
    permission-checked view. Its type is detected from its content.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: no expiry date."))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()


class CheckRun(models.Model):
    """One run of the system check (系统智能审核) over an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="check_runs"
    )
    ran_at = models.DateTimeField(_("ran at"))
    blocking = models.BooleanField(_("blocking findings"), default=False)

    class Meta:
        verbose_name = _("system check run")
        verbose_name_plural = _("system check runs")
        ordering = ["-ran_at", "-id"]

    def __str__(self):
        return f"{self.application_id} @ {self.ran_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """One finding of a check run. The message is rendered when read, from ``code`` and
    ``params``, so it comes out in the reader's language (see ``merchants.checks``)."""

    run = models.ForeignKey(CheckRun, verbose_name=_("check run"), on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("code"), max_length=50)
    blocking = models.BooleanField(_("blocking"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-blocking", "id"]

    def __str__(self):
        return self.code

    @property
    def message(self) -> str:
        from .checks import finding_message

        return finding_message(self.code, self.params)


class SiteVisit(models.Model):
    """A site visit (实地考察) to the merchant's premises, mandatory for dining & entertainment."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.application_id} {self.visited_on}"


class SiteVisitMedia(models.Model):
    """A photo or video taken on a site visit (private file)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    visit = models.ForeignKey(SiteVisit, verbose_name=_("site visit"), on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=visit_media_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("site visit photo or video")
        verbose_name_plural = _("site visit photos and videos")
        ordering = ["id"]

    def __str__(self):
        return self.original_name or str(self.pk)


class Contract(models.Model):
    """The merchant's contract (在线签约): rendered on approval, signed in the portal."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="contract"
    )
    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    # The agreed rates as printed, with their approval references (a snapshot: later rate
    # changes never rewrite a contract).
    terms = models.JSONField(_("terms"), default=dict, blank=True)
    rendered_pdf = models.FileField(_("contract PDF"), upload_to=contract_upload_to, max_length=200)
    rendered_sha256 = models.CharField(_("SHA-256 of the contract"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))
    signed_pdf = models.FileField(_("signed PDF"), upload_to=contract_upload_to, max_length=200, blank=True)
    signed_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)
    signer_name = models.CharField(_("signer name"), max_length=100, blank=True)
    consent = models.BooleanField(_("consent given"), default=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signer_ip = models.GenericIPAddressField(_("signer IP address"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-rendered_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Terminal(models.Model):
    """A POS terminal (POS机) installed at a merchant."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="terminals"
    )
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    # Whether the merchant pays the 50 yuan/month service fee (SPEC.md §5.3).
    pays_service_fee = models.BooleanField(_("merchant pays the service fee"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("POS terminal")
        verbose_name_plural = _("POS terminals")
        ordering = ["merchant_id", "serial"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("installed_on")),
                name="terminal_removed_after_installed",
            )
        ]

    def __str__(self):
        return self.serial


class TerminalStatus(models.TextChoices):
    INSTALLED = "installed", _("Installed")
    REMOVED = "removed", _("Removed")


class TerminalStatusChange(StatusChange):
    """A terminal's installation and removal (who, when, why), written by
    ``services.terminal_create`` and ``terminal_remove`` whatever the surface. Never deleted."""

    terminal = models.ForeignKey(
        Terminal, verbose_name=_("POS terminal"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=TerminalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=TerminalStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("terminal history entry")
        verbose_name_plural = _("terminal history")

    def __str__(self):
        return f"{self.terminal_id}: {self.from_status or '—'} → {self.to_status}"


# SPEC.md §1 defaults; the migration seeds the first rule set with them.
DEFAULT_CHECK_WORKING_DAYS = 1
DEFAULT_REVIEW_WORKING_DAYS = 3
DEFAULT_RESUBMIT_CALENDAR_DAYS = 15
DEFAULT_EXPIRY_WARNING_DAYS = 30
DEFAULT_MAX_DOCUMENT_MB = 10
DEFAULT_MAX_MEDIA_MB = 200
DEFAULT_HEAD_ESCALATION_WORKING_DAYS = 1
DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS = 2


class OnboardingRuleSet(models.Model):
    """The onboarding deadlines and document limits (SPEC.md §1), in force from a date.

    A change is a new rule set from its date, so applications keep the deadlines they
    were given; the set in force on an event's date applies to it.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    check_working_days = models.PositiveSmallIntegerField(
        _("system check within (working days)"), default=DEFAULT_CHECK_WORKING_DAYS
    )
    review_working_days = models.PositiveSmallIntegerField(
        _("review within (working days)"), default=DEFAULT_REVIEW_WORKING_DAYS
    )
    resubmit_calendar_days = models.PositiveSmallIntegerField(
        _("resubmission within (calendar days)"), default=DEFAULT_RESUBMIT_CALENDAR_DAYS
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("warn of certificates expiring within (days)"), default=DEFAULT_EXPIRY_WARNING_DAYS
    )
    max_document_mb = models.PositiveSmallIntegerField(
        _("largest certificate file (MB)"), default=DEFAULT_MAX_DOCUMENT_MB
    )
    max_media_mb = models.PositiveSmallIntegerField(
        _("largest site-visit photo or video (MB)"), default=DEFAULT_MAX_MEDIA_MB
    )
    head_escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate to the recruitment head after (working days past the deadline)"),
        default=DEFAULT_HEAD_ESCALATION_WORKING_DAYS,
    )
    director_escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate to the operations director after (working days past the deadline)"),
        default=DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("onboarding rule set")
        verbose_name_plural = _("onboarding rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_working_days__gte=1)
                & models.Q(review_working_days__gte=1)
                & models.Q(resubmit_calendar_days__gte=1)
                & models.Q(max_document_mb__gte=1),
                name="onboarding_rules_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(max_media_mb__gte=1)
                & models.Q(head_escalation_working_days__gte=1)
                & models.Q(director_escalation_working_days__gt=models.F("head_escalation_working_days")),
                name="onboarding_rules_escalation_in_order",
            ),
        ]

    def __str__(self):
        return in_force_label(self.effective_from)

    @property
    def max_document_bytes(self) -> int:
        return self.max_document_mb * 1024 * 1024

    @property
    def max_media_bytes(self) -> int:
        return self.max_media_mb * 1024 * 1024

    def escalation_working_days(self, level: int) -> int:
        """Working days after a missed deadline at which escalation ``level`` is told
        (0: the reviewer, when it passes; 1: the recruitment head; 2: the operations director)."""
        return (0, self.head_escalation_working_days, self.director_escalation_working_days)[level]
