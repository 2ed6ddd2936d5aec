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
    "commissions.view_raterequeststatuschange",
    "commissions.view_merchantrate",
    "commissions.view_approvalruleset",
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
            "commissions.add_approvalruleset",
            "commissions.change_approvalruleset",
            "commissions.delete_approvalruleset",
        ],
        "recruiter": [
            "commissions.view_commissionstandard",
            "commissions.view_raterequest",
            "commissions.view_approvalstep",
            "commissions.view_raterequeststatuschange",
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

    def ready(self):
        # Rule tables are read through workplace.rules.in_force (cached, invalidated by a
        # new version or a change of its bands).
        from workplace.rules import register_dated_rule

        from .models import ApprovalRuleSet, AuthorityBand, AuthorityBandSet, CommissionStandard

        register_dated_rule(CommissionStandard)
        register_dated_rule(AuthorityBandSet, children=(AuthorityBand,), prefetch=("bands",))
        register_dated_rule(ApprovalRuleSet)

        # The contract's rate lines and the portal's rates page (merchants.extensions).
        from . import contract_terms

        contract_terms.register()
