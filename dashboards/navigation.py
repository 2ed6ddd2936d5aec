"""Menu entries of the dashboards; ``DashboardsConfig.navigation = NAVIGATION``."""

from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import COMPANY_WIDE_ROLES, Role

NAVIGATION = [
    NavItem(
        label=_("Dashboard"),
        url_name="dashboards:index",
        roles=frozenset(COMPANY_WIDE_ROLES | {Role.RECRUITER, Role.RECRUITMENT_HEAD}),
        order=5,
        description=_("The recruitment funnel, pass rate, cycle time, complaints, rate requests and churn."),
    ),
]
