from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Management dashboards: the recruitment funnel, service levels and churn (issue 10)."""

    name = "dashboards"
    verbose_name = _("Dashboards")
    # Alerts (dashboards/alerts.py): admins keep the thresholds (new versions only); the
    # managers who are told read the thresholds and the breaches.
    role_permissions = {
        "admin": ["dashboards.*"],
        "general_manager": ["dashboards.view_alertruleset", "dashboards.view_alertbreach"],
        "ops_director": ["dashboards.view_alertruleset", "dashboards.view_alertbreach"],
    }
    navigation: list = []

    def ready(self):
        # The menu entries live with the pages (dashboards/navigation.py).
        from .navigation import NAVIGATION

        self.navigation = NAVIGATION

        from workplace.rules import register_dated_rule

        from .models import AlertRuleSet

        register_dated_rule(AlertRuleSet)
