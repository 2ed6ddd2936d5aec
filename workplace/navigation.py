"""The menu of the three surfaces (merchant portal, staff pages, approval queue).

Each AppConfig may carry ``navigation = [NavItem(...), ...]``; the shared app reads them
without importing the domain apps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .roles import roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = field(default_factory=frozenset)
    order: int = 100
    description: str = ""

    def visible_to(self, user) -> bool:
        return user.is_superuser or bool(roles_of(user) & set(self.roles))


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "navigation", ()):
            if not item.visible_to(user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "order": item.order, "description": item.description})
    return sorted(items, key=lambda entry: entry["order"])
