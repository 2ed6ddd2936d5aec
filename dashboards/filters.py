"""The dashboards' filters besides the period (``region``, ``category``, ``segment``,
``recruiter``), read the same way by the API and the pages: each optional; a bad value is
an ``ApplicationError`` naming the field (400), a recruiter outside the reader's reach a
``NotPermitted`` naming it (403) — a recruiter may filter only themselves, a recruitment
head the people of their department (and themselves); customer service, the operations
director, the general manager and admins anyone. Messages in the reader's language."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from merchants.models import Category, Segment
from plans.models import Region
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import COMPANY_WIDE_ROLES, Role, roles_of
from workplace.scoping import department_of

from .selectors import Filters

FILTER_FIELDS = ("region", "category", "segment", "recruiter")


def _id(raw, field: str) -> int | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise ApplicationError(_("Enter a whole number."), field=field, code="invalid")
    return int(text)


def _choice(raw, field: str, choices) -> str:
    text = "" if raw is None else str(raw).strip()
    if text and text not in choices:
        raise ApplicationError(
            _("“%(value)s” is not one of the choices.") % {"value": text[:50]}, field=field, code="invalid_choice"
        )
    return text


def sees_every_recruiter(user) -> bool:
    """Whether ``user`` may filter the dashboard by any recruiter."""
    return bool(user.is_superuser or roles_of(user) & (COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE}))


def recruiter_choices(user):
    """The people ``user`` may filter by (see the module's docstring), as a queryset."""
    people = get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    if sees_every_recruiter(user):
        return people.filter(groups__name__in=[Role.RECRUITER, Role.RECRUITMENT_HEAD]).distinct()
    roles = roles_of(user)
    if Role.RECRUITMENT_HEAD in roles and department_of(user) is not None:
        return people.filter(staff_profile__department_id=department_of(user)) | people.filter(pk=user.pk)
    if Role.RECRUITER in roles:
        return people.filter(pk=user.pk)
    return people.none()


def _check_recruiter(user, recruiter_id: int) -> None:
    person = get_user_model().objects.select_related("staff_profile").filter(pk=recruiter_id).first()
    if person is None:
        raise ApplicationError(_("There is no such recruiter."), field="recruiter", code="does_not_exist")
    if sees_every_recruiter(user) or person.pk == user.pk:
        return
    if Role.RECRUITMENT_HEAD in roles_of(user) and department_of(user) is not None:
        if department_of(person) == department_of(user):
            return
        raise NotPermitted(_("You may filter only by the people of your department."), field="recruiter")
    raise NotPermitted(_("You may filter only by yourself."), field="recruiter")


def filters_from(params, user) -> Filters:
    """The filters of a query string for ``user``. At most one query per filter set."""
    region = _id(params.get("region"), "region")
    if region is not None and not Region.objects.filter(pk=region).exists():
        raise ApplicationError(_("There is no such region."), field="region", code="does_not_exist")
    category = _choice(params.get("category"), "category", Category.values)
    segment = _choice(params.get("segment"), "segment", Segment.values)
    recruiter = _id(params.get("recruiter"), "recruiter")
    if recruiter is not None:
        _check_recruiter(user, recruiter)
    return Filters(region=region, category=category, segment=segment, recruiter=recruiter)
