"""The merchant's contract (在线签约)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Application
from .choices import contract_upload_to
from .merchant import Merchant


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
