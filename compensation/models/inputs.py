"""What the runs read besides the other apps' records: each POS terminal's monthly profit
(from the POS system) and the handovers of merchants when a recruiter leaves (SPEC.md §5.5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfitSource(models.TextChoices):
    API = "api", _("POS system (API)")
    IMPORT = "import", _("File import")
    DEMO = "demo", _("Demo data")


class ProfitRecord(models.Model):
    """The profit (分润) one POS terminal earned the alliance in one month. One row per
    terminal and month: an import or API call for the same pair updates it (the POS
    system's latest figure wins until the month's payroll is final; after that a change
    shows up as a correction in a later run)."""

    terminal = models.ForeignKey(
        "merchants.Terminal", verbose_name=_("POS terminal"), on_delete=models.PROTECT, related_name="profits"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    profit = models.DecimalField(_("profit"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=ProfitSource.choices, default=ProfitSource.API)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("terminal profit")
        verbose_name_plural = _("terminal profits")
        ordering = ["-month", "terminal_id"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "month"], name="one_profit_per_terminal_and_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="profit_month_first_day"),
            models.CheckConstraint(condition=models.Q(profit__gte=0), name="profit_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "terminal"])]

    def __str__(self):
        return f"{self.terminal_id} {self.month:%Y-%m} {self.profit}"


class Handover(models.Model):
    """A merchant handed from a recruiter who leaves the department to a successor, from
    ``effective_on`` (SPEC.md §5.5). For the quarter of the move the leaver's share of the
    merchant's bonus is pro rata by days before the move, the days from the move to the
    quarter's end are split equally, later quarters go to the successor alone — unless the
    leaver keeps maintaining the merchant (``keeps_maintaining``), who then keeps it in
    full. Recorded once, never edited or deleted."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="handovers"
    )
    leaver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leaving recruiter"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("successor from"))
    keeps_maintaining = models.BooleanField(
        _("leaver keeps maintaining"),
        default=False,
        help_text=_("The leaver keeps looking after this merchant and keeps its bonus in full."),
    )
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant handover")
        verbose_name_plural = _("merchant handovers")
        ordering = ["merchant_id", "effective_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "effective_on"], name="one_handover_per_merchant_and_day"),
            models.CheckConstraint(condition=~models.Q(leaver=models.F("successor")), name="handover_to_someone_else"),
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.effective_on}"
