"""The POS terminals (POS机) installed at merchants and their history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace.workflow import StatusChange

from .choices import TerminalStatus
from .merchant import Merchant


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
