from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    """Commission standards and tiered approval (SPEC.md §3)."""

    name = "commissions"
    verbose_name = _("Commissions")
    role_permissions: dict = {}
    navigation: list = []
