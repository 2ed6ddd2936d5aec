from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = [
    "compensation.view_payprofile",
    "compensation.view_profitrecord",
    "compensation.view_handover",
    "compensation.view_payrollrun",
    "compensation.view_payrollline",
    "compensation.view_adjustment",
    "compensation.view_yearendpool",
    "compensation.view_allocation",
    "compensation.view_compensationruleset",
]


class CompensationConfig(AppConfig):
    """Recruiters' pay and bonuses (招商部考核暂行办法, SPEC.md §5)."""

    name = "compensation"
    verbose_name = _("Compensation")
    # Heads run their department's pay: profits, handovers, runs and corrections; the
    # general manager sees everything and approves the year-end allocation. Admins keep
    # the rule sets (new versions only) and the pay profiles.
    role_permissions = {
        "admin": ["compensation.*"],
        "general_manager": [
            *_READ,
            "compensation.finalize_payrollrun",
            "compensation.add_payrollrun",
            "compensation.add_adjustment",
        ],
        "recruitment_head": [
            *_READ,
            "compensation.add_profitrecord",
            "compensation.change_profitrecord",
            "compensation.add_handover",
            "compensation.add_payrollrun",
            "compensation.finalize_payrollrun",
            "compensation.add_adjustment",
            "compensation.add_allocation",
        ],
    }
    navigation: list = []

    def ready(self):
        from workplace.rules import register_dated_rule

        from .models import CompensationRuleSet

        register_dated_rule(CompensationRuleSet)
        # The menu entries live with the pages (compensation/navigation.py).
        from .navigation import NAVIGATION

        self.navigation = NAVIGATION
