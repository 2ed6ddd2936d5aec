"""The merchant (商户) and its status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace.pii import EncryptedCharField, HashedFieldsMixin, HashField
from workplace.workflow import StatusChange

from .choices import Category, EntityType, MerchantClass, MerchantStatus, Segment


class Merchant(HashedFieldsMixin, models.Model):
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
    # Personal data, encrypted at rest (workplace.pii); found by its keyed hash.
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    contact_phone_hash = HashField(source="contact_phone")
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
        # The lists' default order: without it every page sorted the whole table (at
        # 100 000 merchants 41 ms for the first page, a disk sort for a deep one;
        # bench/README.md "Load").
        indexes = [models.Index(fields=["-created_at", "-id"], name="merchant_newest_first")]

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
