"""Who may do what in onboarding (SPEC.md §0, §1). Visibility is the selectors' job
(``applications_for_user``); these answer "may this user, who can see the record, act?"
and are shared by the services, the API, the pages and the admin."""

from __future__ import annotations

from workplace.roles import COMPANY_WIDE_ROLES, Role, roles_of

# Recruitment heads review their department's applications; the levels above review all.
REVIEWER_ROLES = frozenset({Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})
# Who can be assigned an application (and so own the merchant).
ASSIGNABLE_ROLES = frozenset({Role.RECRUITER, Role.RECRUITMENT_HEAD})
# Who may suspend, reactivate or terminate a merchant they can see.
LIFECYCLE_ROLES = frozenset({Role.RECRUITER, *REVIEWER_ROLES})


def is_reviewer(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & REVIEWER_ROLES)


def is_company_wide(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & COMPANY_WIDE_ROLES)


def is_portal_owner(user, application) -> bool:
    """The merchant's own portal account."""
    return Role.MERCHANT in roles_of(user) and application.merchant.user_id == user.pk


def is_assigned_staff(user, application) -> bool:
    return bool(roles_of(user) & ASSIGNABLE_ROLES) and user.pk in (
        application.assignee_id,
        application.merchant.recruiter_id,
    )


def can_review(user, application) -> bool:
    """Approve, request changes, reject, assign."""
    return is_reviewer(user)


def can_record_visit_or_evaluation(user, application) -> bool:
    """Reviewers, and the recruiter assigned to (or owning) the merchant."""
    return is_reviewer(user) or is_assigned_staff(user, application)


def can_change_merchant_status(user, merchant) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & LIFECYCLE_ROLES)
