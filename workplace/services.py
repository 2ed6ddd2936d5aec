"""Writes of the shared app: people and the organisation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import ApplicationError
from .models import Department, StaffProfile, UserPreference
from .roles import STAFF_ROLES, Role


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    department: Department | str | None = None,
    manager=None,
    hire_date: dt.date | None = None,
):
    """Create a user in ``role``'s group; staff get a staff profile (and admin access).

    Without a password the account cannot log in until one is set.
    """
    User = get_user_model()
    if role not in Role.values:
        raise ApplicationError(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("A user with that username already exists."), field="username")
    if isinstance(department, str):
        department = Department.objects.filter(code=department).first() or _missing("department", department)
    if isinstance(manager, str):
        manager = User.objects.filter(username=manager).first() or _missing("manager", manager)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role in STAFF_ROLES:
        StaffProfile.objects.create(user=user, department=department, manager=manager, hire_date=hire_date)
    return user


def _missing(field: str, value: str):
    raise ApplicationError(_("No %(field)s “%(value)s” exists.") % {"field": field, "value": value}, field=field)


def user_language_set(*, user, language: str) -> None:
    """Remember ``language`` as the one ``user`` reads (``UserPreference``)."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose one of the offered languages."), field="language", code="invalid_choice")
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
