from decimal import Decimal

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


def _money(default: str, label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal(default))


def _percent(default: str, label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default))


class CompensationRuleSet(models.Model):
    """The parameters of the pay rules (SPEC.md §5.1–§5.6), in force from a date. A run
    uses the set in force on the last day of its period; a change is a new set, never an
    edit. Percentages are written as percent ("1.00" = 1 %)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    # §5.1 monthly points per signing, by the merchant's class at signing. Good reviews
    # and valid complaints are counted by complaints/ with their own dated values.
    points_class_i = models.DecimalField(_("points per class I signing"), max_digits=5, decimal_places=2, default=4)
    points_class_ii = models.DecimalField(_("points per class II signing"), max_digits=5, decimal_places=2, default=2)
    points_class_iii = models.DecimalField(_("points per class III signing"), max_digits=5, decimal_places=2, default=1)
    # §5.2 assessment pay: P < floor → −below × (floor − P); floor ≤ P ≤ ceiling →
    # mid × (P − floor); P > ceiling → mid × (ceiling − floor) + above × (P − ceiling).
    points_floor = models.DecimalField(_("points: lower threshold"), max_digits=5, decimal_places=2, default=6)
    points_ceiling = models.DecimalField(_("points: upper threshold"), max_digits=5, decimal_places=2, default=10)
    pay_below_per_point = _money("50.00", _("deduction per point below the lower threshold"))
    pay_mid_per_point = _money("10.00", _("pay per point between the thresholds"))
    pay_above_per_point = _money("40.00", _("pay per point above the upper threshold"))
    # §5.3 POS shortfall.
    pos_min_profit = _money("50.00", _("POS: minimum monthly profit per terminal"))
    pos_grace_months = models.PositiveSmallIntegerField(
        _("POS: months after installation before assessment"), default=2
    )
    # §5.4 quarterly bonus.
    bonus_average_threshold = _money("50.00", _("quarterly bonus: average profit above which it is paid"))
    bonus_base_rate = _percent("1.00", _("quarterly bonus: base rate (%)"))
    bonus_step_rate = _percent("0.20", _("quarterly bonus: rate added per step (%)"))
    bonus_step = _money("50.00", _("quarterly bonus: average profit per step"))
    bonus_rate_cap = _percent("2.00", _("quarterly bonus: highest rate (%)"))
    churn_free_percent = _percent("10.00", _("churn: free up to (%)"))
    churn_step_percent = _percent("10.00", _("churn: points per step (%)"))
    churn_step_rate = _percent("0.20", _("churn: rate taken per step (%)"))
    # §5.6 year-end pool.
    pool_average_threshold = _money("50.00", _("year-end pool: average profit above which it is paid"))
    pool_base_rate = _percent("0.50", _("year-end pool: base rate (%)"))
    pool_step_rate = _percent("0.10", _("year-end pool: rate added per step (%)"))
    pool_step = _money("50.00", _("year-end pool: average profit per step"))
    pool_rate_cap = _percent("1.00", _("year-end pool: highest rate (%)"))
    min_service_months = models.PositiveSmallIntegerField(
        _("year-end: months of service before it is paid in the year"), default=3
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pay rule set")
        verbose_name_plural = _("pay rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_ceiling__gte=models.F("points_floor"))
                & models.Q(bonus_step__gt=0)
                & models.Q(pool_step__gt=0)
                & models.Q(churn_step_percent__gt=0)
                & models.Q(bonus_rate_cap__gte=models.F("bonus_base_rate"))
                & models.Q(pool_rate_cap__gte=models.F("pool_base_rate")),
                name="compensation_rules_consistent",
            )
        ]

    def __str__(self):
        return f"{self.effective_from}"
