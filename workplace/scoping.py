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


def _on_path(model, path: str, value) -> Q:
    """``Q(path=value)``, with each forward foreign-key hop as an ``IN (SELECT …)`` of the
    related table: ``merchant__recruiter = u`` becomes ``merchant_id IN (SELECT id FROM
    merchants WHERE recruiter_id = u)``. Same rows, but an OR of such conditions no longer
    spans a join, so PostgreSQL can use each side's index instead of scanning the joined
    table (bench/README.md "Load": the approval queue scanned every merchant)."""
    first, _, rest = path.partition("__")
    if not rest:
        return Q(**{path: value})
    try:
        field = model._meta.get_field(first)
    except Exception:  # noqa: BLE001 - not a field name: let Django resolve the path itself
        return Q(**{path: value})
    if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
        return Q(**{path: value})
    related = field.related_model
    return Q(**{f"{first}__in": related._base_manager.filter(_on_path(related, rest, value)).values("pk")})


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
            condition |= _on_path(queryset.model, department_path, department_id)
    if owner_path and roles & {Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.DEPT_HEAD}:
        condition |= _on_path(queryset.model, owner_path, user.pk)
    if merchant_user_path and Role.MERCHANT in roles:
        condition |= _on_path(queryset.model, merchant_user_path, user.pk)
    return queryset.filter(condition)
