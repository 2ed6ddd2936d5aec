from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PayProfile(models.Model):
    """A staff member's fixed monthly pay from a date on (SPEC.md §5): a new row for each
    change, so past payrolls keep the figures they were computed with."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="pay_profiles"
    )
    effective_from = models.DateField(_("effective from"))
    base_salary = models.DecimalField(_("base salary"), max_digits=12, decimal_places=2)
    allowance = models.DecimalField(_("allowance"), max_digits=12, decimal_places=2, default=0)
    position_allowance = models.DecimalField(_("position allowance"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pay profile")
        verbose_name_plural = _("pay profiles")
        ordering = ["user", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["user", "effective_from"], name="unique_pay_profile_per_day"),
            models.CheckConstraint(condition=models.Q(base_salary__gte=0), name="pay_profile_base_salary_not_negative"),
        ]

    def __str__(self):
        return f"{self.user} {self.effective_from}"
