from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    """Merchants and their onboarding (SPEC.md §1)."""

    name = "merchants"
    verbose_name = _("Merchants")
    role_permissions: dict = {}
    navigation: list = []
