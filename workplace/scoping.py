"""Who may see which records (SPEC.md §0): the one place the visibility rule lives.

A recruiter sees the records they own, a head sees their department's, the operations
director, the general manager and admins see everything, a merchant sees only its own.
Each app calls ``scope_queryset`` with the paths from its model to the owner, the
owner's department and the merchant's portal user.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .roles import COMPANY_WIDE_ROLES, Role, roles_of


def department_of(user):
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    return profile.department_id if profile else None


def scope_queryset(
    queryset: QuerySet,
    user,
    *,
    owner_path: str | None = None,
    department_path: str | None = None,
    merchant_user_path: str | None = None,
    also_company_wide: frozenset[str] | set[str] = frozenset(),
) -> QuerySet:
    """Filter ``queryset`` to what ``user`` may see.

    ``also_company_wide`` lists extra roles that see every record of this kind (customer
    service sees all merchants, for instance, to log complaints against them).
    """
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    roles = roles_of(user)
    if roles & (COMPANY_WIDE_ROLES | set(also_company_wide)):
        return queryset
    condition = Q(pk__in=[])
    if department_path and roles & {Role.RECRUITMENT_HEAD, Role.DEPT_HEAD}:
        department_id = department_of(user)
        if department_id is not None:
            condition |= Q(**{department_path: department_id})
    if owner_path and roles & {Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.DEPT_HEAD}:
        condition |= Q(**{owner_path: user})
    if merchant_user_path and Role.MERCHANT in roles:
        condition |= Q(**{merchant_user_path: user})
    return queryset.filter(condition)
