from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name
