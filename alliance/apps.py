from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import Role

_READ = [
    "alliance.view_activity",
    "alliance.view_participation",
    "alliance.view_referral",
    "alliance.view_referralshare",
    "alliance.view_priorityprice",
    "alliance.view_pointentry",
]
_WRITE = [
    "alliance.add_activity",
    "alliance.change_activity",
    "alliance.add_participation",
    "alliance.change_participation",
    "alliance.add_referral",
]


class AllianceConfig(AppConfig):
    """Alliance activities (SPEC.md §9, issue 12): joint activities, referral shares, credit points."""

    name = "alliance"
    verbose_name = _("Alliance activities")
    # Recruiters and heads organise activities; managers read them; admins keep the share rule.
    role_permissions = {
        "admin": ["alliance.*"],
        "general_manager": [*_READ, *_WRITE],
        "ops_director": [*_READ, *_WRITE],
        "recruitment_head": [*_READ, *_WRITE],
        "recruiter": [*_READ, *_WRITE],
        "customer_service": _READ,
    }
    # The merchant portal's pages (staff reach activities through the API and the back office).
    navigation: list = [
        NavItem(
            label=_("Joint activities"),
            url_name="alliance:portal_activities",
            roles=frozenset({Role.MERCHANT}),
            order=60,
            description=_("The joint activities you are invited to, and your answers."),
        ),
        NavItem(
            label=_("Referrals"),
            url_name="alliance:portal_referrals",
            roles=frozenset({Role.MERCHANT}),
            order=61,
            description=_("Customers you referred to other participants, and those referred to you."),
        ),
        NavItem(
            label=_("Referral statement"),
            url_name="alliance:portal_statement",
            roles=frozenset({Role.MERCHANT}),
            order=62,
            description=_("Each month, what you are owed and what you owe per counterpart for referred customers."),
        ),
    ]

    def ready(self):
        from django.db.models.signals import post_save

        from complaints.models import FollowUpVisit
        from workplace.rules import register_dated_rule

        from . import points
        from .models import PriorityPrice, ReferralShare

        register_dated_rule(ReferralShare)
        register_dated_rule(PriorityPrice)
        # +1 credit point per satisfied survey (SPEC.md §9), one entry per survey.
        post_save.connect(points.survey_recorded, sender=FollowUpVisit, dispatch_uid="alliance_survey_points")
