from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    """Merchants and their onboarding (SPEC.md §1)."""

    name = "merchants"
    verbose_name = _("Merchants")
    # Model permissions per role (the recruiter admin). Decisions and history are never
    # deleted: the admin refuses deletes whatever the permission says.
    role_permissions = {
        "recruiter": [
            "merchants.view_merchant",
            "merchants.change_merchant",
            "merchants.change_merchant_status",
            "merchants.view_application",
            "merchants.view_applicationstatuschange",
            "merchants.view_merchantstatuschange",
            "merchants.view_document",
            "merchants.view_sitevisit",
            "merchants.view_contract",
            "merchants.view_terminal",
            "merchants.add_terminal",
            "merchants.change_terminal",
        ],
        "recruitment_head": [
            "merchants.view_*",
            "merchants.change_merchant",
            "merchants.change_merchant_status",
            "merchants.change_application",
            "merchants.add_terminal",
            "merchants.change_terminal",
        ],
        "ops_director": [
            "merchants.view_*",
            "merchants.change_merchant",
            "merchants.change_merchant_status",
            "merchants.change_application",
        ],
        "general_manager": [
            "merchants.view_*",
            "merchants.change_merchant",
            "merchants.change_merchant_status",
            "merchants.change_application",
        ],
        "customer_service": ["merchants.view_merchant", "merchants.view_terminal"],
        "admin": ["merchants.*"],
    }
    navigation: list = []

    def ready(self):
        # The onboarding rule sets are read through workplace.rules.in_force (cached;
        # a new set invalidates the cache in every process).
        from workplace.rules import register_dated_rule

        from . import extensions  # noqa: F401  (registers its system check)
        from .models import OnboardingRuleSet

        register_dated_rule(OnboardingRuleSet)
        # The menu entries live with the pages (merchants/navigation.py).
        try:
            from .navigation import NAVIGATION
        except ModuleNotFoundError as error:
            if error.name != "merchants.navigation":
                raise
        else:
            self.navigation = NAVIGATION
