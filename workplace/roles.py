"""Roles are Django groups named by slug (SPEC.md §0)."""

from __future__ import annotations

import fnmatch

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    RECRUITER = "recruiter", _("Recruiter")
    RECRUITMENT_HEAD = "recruitment_head", _("Recruitment head")
    OPS_DIRECTOR = "ops_director", _("Operations director")
    GENERAL_MANAGER = "general_manager", _("General manager")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    DEPT_HEAD = "dept_head", _("Department head")
    ADMIN = "admin", _("Administrator")
    FINANCE = "finance", _("Finance")


STAFF_ROLES = frozenset(role for role in Role.values if role != Role.MERCHANT)
# Management levels in order, lowest first: used for escalation ("one level up") and for
# acting in place of an absent lower level.
MANAGEMENT_LADDER = (Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER)
# Roles that see every department's records.
COMPANY_WIDE_ROLES = frozenset({Role.OPS_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})


def roles_of(user) -> frozenset[str]:
    """The role slugs of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_slugs", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) & frozenset(Role.values)
        user._role_slugs = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_staff_member(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES) or bool(getattr(user, "is_superuser", False))


def ladder_rank(role: str) -> int:
    """Position on the management ladder; -1 for roles not on it."""
    try:
        return MANAGEMENT_LADDER.index(role)
    except ValueError:
        return -1


def highest_ladder_role(user) -> str | None:
    held = [r for r in MANAGEMENT_LADDER if has_role(user, r)]
    return held[-1] if held else None


def users_with_role(*roles: str):
    """The active users holding any of ``roles`` (each once), by name: the one query for
    "users holding role X" that pages, API, admin and jobs share."""
    from django.contrib.auth import get_user_model

    holders = get_user_model().objects.filter(is_active=True, groups__name__in=list(roles)).values("pk")
    return get_user_model().objects.filter(pk__in=holders).order_by("last_name", "first_name", "username", "pk")


class RoleDirectory:
    """Active users per role, fetched once per role: a batch job asks for the same people
    again and again. ``select_related`` names what the job reads of each of them."""

    def __init__(self, *, select_related: tuple[str, ...] = ()):
        self._select_related = select_related
        self._users: dict[str, list] = {}

    def users(self, role: str) -> list:
        if role not in self._users:
            holders = users_with_role(role).order_by("pk")
            if self._select_related:
                holders = holders.select_related(*self._select_related)
            self._users[role] = list(holders)
        return self._users[role]

    def has_role(self, user, role: str) -> bool:
        return any(member.pk == user.pk for member in self.users(role))


def _expand(spec: str, Permission):
    app_label, _, codename = spec.partition(".")
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if "*" in codename:
        return [p for p in qs if fnmatch.fnmatch(p.codename, codename)]
    return list(qs.filter(codename=codename))


def sync_role_permissions() -> None:
    """Give each role group the model permissions the apps declare for it.

    Every AppConfig may carry ``role_permissions = {role: ["app.codename", "app.*"]}``;
    this keeps the shared app free of imports from the domain apps.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted: dict[str, set] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        for role, specs in getattr(config, "role_permissions", {}).items():
            for spec in specs:
                wanted[role].update(_expand(spec, Permission))
    for role, permissions in wanted.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions)


def sync_role_permissions_after_migrate(sender, **kwargs):
    # Permissions are created app by app; syncing after the last app sees them all. Django
    # sends post_migrate only to apps with a models module, so "last" is the last of those
    # (an app without models, such as dashboards, may come after it).
    with_models = [config.label for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1]:
        sync_role_permissions()
