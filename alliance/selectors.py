"""Reads of the alliance, scoped by user (SPEC.md §0, issue 12 §6).

Activities: company-wide managers (and customer service, who answer merchants' questions)
see every activity; a recruiter sees the activities they created and those with one of
their merchants invited; a recruitment or department head, also their department's
merchants'; a merchant, the activities it is invited to. Referrals: a merchant sees those
it made or received; staff, those whose merchants (either side) they see.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from merchants.models import Merchant, MerchantStatus
from workplace.roles import COMPANY_WIDE_ROLES, STAFF_ROLES, Role, roles_of
from workplace.scoping import scope_queryset

from .models import Activity, Participation, Referral

ORGANISER_ROLES = frozenset({Role.RECRUITER, Role.RECRUITMENT_HEAD, *COMPANY_WIDE_ROLES})


def is_staff_reader(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(roles_of(user) & STAFF_ROLES))


def may_organise(user) -> bool:
    """Recruiters, heads of recruitment and company-wide managers create activities."""
    return user.is_authenticated and (user.is_superuser or bool(roles_of(user) & ORGANISER_ROLES))


def merchants_for_user(user) -> QuerySet:
    """The merchants ``user`` sees (owner, department, portal user, company-wide)."""
    return scope_queryset(
        Merchant.objects.all(),
        user,
        owner_path="recruiter",
        department_path="department",
        merchant_user_path="user",
        also_company_wide={Role.CUSTOMER_SERVICE},
    )


def invitable_merchants(user, district: str) -> QuerySet:
    """The signed (active) merchants of ``district`` that ``user`` may invite: a recruiter
    their own, a head their department's, company-wide managers any."""
    merchants = Merchant.objects.filter(status=MerchantStatus.ACTIVE, district=district)
    return scope_queryset(merchants, user, owner_path="recruiter", department_path="department")


def activities_for_user(user) -> QuerySet:
    activities = Activity.objects.all()
    if not user.is_authenticated:
        return activities.none()
    if user.is_superuser or roles_of(user) & (COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE}):
        return activities
    seen = Participation.objects.filter(merchant__in=merchants_for_user(user)).values("activity_id")
    return activities.filter(Q(pk__in=seen) | Q(created_by=user))


def activities_with_details(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related("participations")


def referrals_for_user(user) -> QuerySet:
    merchants = merchants_for_user(user).values("pk")
    return Referral.objects.filter(Q(from_merchant__in=merchants) | Q(to_merchant__in=merchants))
