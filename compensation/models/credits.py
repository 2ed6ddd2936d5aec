"""Months of a POS terminal's service fee that count as paid for §5.3 although the merchant
did not pay them (SPEC.md §9 Decision: 50 credit points waive one month's fee of one
terminal). Kept here, with the payroll's other inputs, so the monthly run reads it in the
same query as the shortfall's candidates; the apps that grant such a month (the alliance's
point redemptions) write it through ``compensation.services.pos_fee_credits``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PosFeeCredit(models.Model):
    """One terminal's service fee for one month, counted as paid (no §5.3 shortfall that
    month). ``source`` says what paid it, in words (e.g. the redemption of credit points).
    Recorded once per terminal and month, never edited or deleted."""

    terminal = models.ForeignKey(
        "merchants.Terminal", verbose_name=_("POS terminal"), on_delete=models.PROTECT, related_name="fee_credits"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    source = models.CharField(_("source"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("POS service fee credit")
        verbose_name_plural = _("POS service fee credits")
        ordering = ["-month", "terminal_id"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "month"], name="one_fee_credit_per_terminal_and_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="fee_credit_month_first_day"),
        ]

    def __str__(self):
        return f"{self.terminal_id} {self.month:%Y-%m}"
