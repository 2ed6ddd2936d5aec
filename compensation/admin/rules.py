"""The pay rule sets (SPEC.md §5): new versions only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workplace.rule_admin import DatedRuleAdmin, EffectiveFromForm

from ..models import (
    CompensationRuleSet,
)


class RuleSetForm(EffectiveFromForm):
    """A rule set's figures must hang together (the database says so too, in its own
    words): each refusal goes next to the field at fault."""

    _ORDERED = [
        ("points_ceiling", "points_floor", _("The upper threshold cannot be below the lower threshold.")),
        ("bonus_rate_cap", "bonus_base_rate", _("The highest rate cannot be below the base rate.")),
        ("pool_rate_cap", "pool_base_rate", _("The highest rate cannot be below the base rate.")),
    ]
    _POSITIVE = ["bonus_step", "pool_step", "churn_step_percent"]

    def clean(self):
        cleaned = super().clean()
        for high, low, message in self._ORDERED:
            if cleaned.get(high) is not None and cleaned.get(low) is not None and cleaned[high] < cleaned[low]:
                self.add_error(high, message)
        for name in self._POSITIVE:
            if cleaned.get(name) is not None and cleaned[name] <= 0:
                self.add_error(name, _("Must be greater than zero."))
        return cleaned


@admin.register(CompensationRuleSet)
class CompensationRuleSetAdmin(DatedRuleAdmin):
    """The pay rules' parameters (SPEC.md §5.1–§5.6): a change is a new set from a date;
    one in force is history (read only, never deleted)."""

    form = RuleSetForm
    list_display = [
        "effective_from",
        "points_class_i",
        "points_class_ii",
        "points_class_iii",
        "points_floor",
        "points_ceiling",
        "pos_min_profit",
        "bonus_base_rate",
        "pool_base_rate",
        "created_at",
    ]
    date_hierarchy = "effective_from"
    readonly_fields = ["created_at"]
    fieldsets = [
        (None, {"fields": ["effective_from"]}),
        (_("Monthly points (§5.1)"), {"fields": ["points_class_i", "points_class_ii", "points_class_iii"]}),
        (
            _("Assessment pay (§5.2)"),
            {
                "fields": [
                    "points_floor",
                    "points_ceiling",
                    "pay_below_per_point",
                    "pay_mid_per_point",
                    "pay_above_per_point",
                ]
            },
        ),
        (_("POS shortfall (§5.3)"), {"fields": ["pos_min_profit", "pos_grace_months"]}),
        (
            _("Quarterly bonus (§5.4)"),
            {
                "fields": [
                    "bonus_average_threshold",
                    "bonus_base_rate",
                    "bonus_step_rate",
                    "bonus_step",
                    "bonus_rate_cap",
                    "churn_free_percent",
                    "churn_step_percent",
                    "churn_step_rate",
                ]
            },
        ),
        (
            _("Year-end pool (§5.6)"),
            {
                "fields": [
                    "pool_average_threshold",
                    "pool_base_rate",
                    "pool_step_rate",
                    "pool_step",
                    "pool_rate_cap",
                    "min_service_months",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at"]}),
    ]
