from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    """Recruiters' pay and bonuses (招商部考核暂行办法, SPEC.md §5)."""

    name = "compensation"
    verbose_name = _("Compensation")
    role_permissions = {"admin": ["compensation.*"], "general_manager": ["compensation.view_payprofile"]}
    navigation: list = []
