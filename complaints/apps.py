from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Merchant complaint handling (商户投诉处理流程, SPEC.md §4)."""

    name = "complaints"
    verbose_name = _("Complaints")
    role_permissions: dict = {
        "customer_service": ["complaints.view_*", "complaints.add_pointevent"],
        "dept_head": ["complaints.view_complaint"],
        "admin": ["complaints.*"],
    }
    navigation: list = []

    def ready(self):
        from workplace.rules import register_dated_rule

        from .models import ComplaintRuleSet

        register_dated_rule(ComplaintRuleSet)
        # The menu entries live with the pages (complaints/navigation.py).
        from .navigation import NAVIGATION

        self.navigation = NAVIGATION
