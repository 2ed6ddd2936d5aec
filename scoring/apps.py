from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import STAFF_ROLES


class ScoringConfig(AppConfig):
    """Star rating of merchants (商家加盟星级评估, SPEC.md §2)."""

    name = "scoring"
    verbose_name = _("Star rating")
    role_permissions = {
        "admin": [
            "scoring.add_scoringruleset",
            "scoring.change_scoringruleset",
            "scoring.delete_scoringruleset",
            "scoring.view_scoringruleset",
            "scoring.view_evaluation",
        ],
        **{
            role: ["scoring.view_evaluation", "scoring.view_scoringruleset"]
            for role in sorted(STAFF_ROLES)
            if role != "admin"
        },
    }
    navigation = [
        NavItem(
            label=_("Star rating"),
            url_name="scoring:calculator",
            roles=STAFF_ROLES,
            order=20,
            description=_("Calculate a merchant's star score and class; evaluations and their sheets."),
        ),
    ]

    def ready(self):
        # The rule sets are read through workplace.rules.in_force (cached; a new set
        # invalidates the cache in every process).
        from workplace.rules import register_dated_rule

        from .models import ScoringRuleSet

        register_dated_rule(ScoringRuleSet)

        # Onboarding (merchants) asks for a star evaluation before approval, prints the
        # class in the contract and shows the evaluation panel: provided from here,
        # since merchants never imports scoring.
        from . import onboarding

        onboarding.register()
