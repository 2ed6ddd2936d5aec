from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import Role

APPROVERS = frozenset({Role.RECRUITMENT_HEAD, Role.OPS_DIRECTOR, Role.GENERAL_MANAGER})
_READ = [
    "commissions.view_commissionstandard",
    "commissions.view_authorityband",
    "commissions.view_authoritybandset",
    "commissions.view_raterequest",
    "commissions.view_approvalstep",
    "commissions.view_merchantrate",
]


class CommissionsConfig(AppConfig):
    """Commission standards and tiered approval (SPEC.md §3)."""

    name = "commissions"
    verbose_name = _("Commissions")
    # Admins keep the rule tables (new versions only; the admin refuses edits and
    # deletes); everyone else reads, scoped in the admin to what they may see.
    role_permissions: dict = {
        "admin": [
            *_READ,
            "commissions.add_commissionstandard",
            "commissions.add_authoritybandset",
            "commissions.add_authorityband",
        ],
        "recruiter": [
            "commissions.view_commissionstandard",
            "commissions.view_raterequest",
            "commissions.view_approvalstep",
            "commissions.view_merchantrate",
        ],
        "recruitment_head": _READ,
        "ops_director": _READ,
        "general_manager": _READ,
    }
    navigation: list = [
        NavItem(
            label=_("Approval queue"),
            url_name="commissions:queue",
            roles=APPROVERS,
            order=30,
            description=_("Rate requests waiting for your decision."),
        ),
        NavItem(
            label=_("Rate requests"),
            url_name="commissions:requests",
            roles=APPROVERS | {Role.RECRUITER},
            order=31,
            description=_("Request a commission rate and see who must approve it."),
        ),
    ]
