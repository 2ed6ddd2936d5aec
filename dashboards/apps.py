from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Management dashboards: the recruitment funnel, service levels and churn (issue 10)."""

    name = "dashboards"
    verbose_name = _("Dashboards")
    role_permissions: dict = {}
    navigation: list = []

    def ready(self):
        # The menu entries live with the pages (dashboards/navigation.py).
        from .navigation import NAVIGATION

        self.navigation = NAVIGATION
