"""Menu entries of onboarding; ``MerchantsConfig.navigation = NAVIGATION``."""

from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import Role

from .permissions import ASSIGNABLE_ROLES, REVIEWER_ROLES

NAVIGATION = [
    # The merchant's first entry: ``workplace.views.home`` sends merchants to it.
    NavItem(
        label=_("My application"),
        url_name="merchants:portal",
        roles=frozenset({Role.MERCHANT}),
        order=10,
        description=_("Company profile, certificates, status and contract."),
    ),
    NavItem(
        label=_("My rates"),
        url_name="merchants:rates",
        roles=frozenset({Role.MERCHANT}),
        order=15,
        description=_("The rates agreed in your contract."),
    ),
    NavItem(
        label=_("Applications"),
        url_name="merchants:review_list",
        roles=frozenset(ASSIGNABLE_ROLES | REVIEWER_ROLES),
        order=20,
        description=_("Review merchant applications: documents, site visits, star rating, decisions."),
    ),
]
