"""The application (入驻申请) with its status history, its certificates and the runs of
the system check over it with their findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace.pii import EncryptedCharField, HashedFieldsMixin, HashField
from workplace.workflow import StatusChange

from .choices import (
    APPLICATION_TRANSITIONS,
    EDITABLE_STATUSES,
    ApplicationStatus,
    Category,
    DocumentKind,
    EntityType,
    Segment,
    document_upload_to,
)
from .merchant import Merchant


class Application(HashedFieldsMixin, models.Model):
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
    # Personal data, encrypted at rest (workplace.pii); found by its keyed hash.
    legal_rep_id_number = EncryptedCharField(_("legal representative's ID number"), max_length=18, blank=True)
    legal_rep_id_number_hash = HashField(source="legal_rep_id_number")
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)

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
        # The dashboards find each application's moves into a status (first submission,
        # approval) in a period.
        indexes = [models.Index(fields=["application", "to_status", "changed_at"], name="app_change_to_status_at")]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Document(models.Model):
    """A certificate the merchant uploaded (营业执照, 税务登记证, 法人身份证, 登记证书).

    The file is private: stored under a generated name and served only through a
    permission-checked view. Its type is detected from its content.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    # An ID card's number is personal: encrypted at rest like the application's.
    number = EncryptedCharField(_("certificate number"), max_length=50, blank=True)
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
        from ..checks import finding_message

        return finding_message(self.code, self.params)
