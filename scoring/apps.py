from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Star rating of merchants (商家加盟星级评估, SPEC.md §2)."""

    name = "scoring"
    verbose_name = _("Star rating")
    role_permissions: dict = {}
    navigation: list = []
