from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Merchant complaint handling (商户投诉处理流程, SPEC.md §4)."""

    name = "complaints"
    verbose_name = _("Complaints")
    role_permissions: dict = {}
    navigation: list = []
