"""Menu entries of compensation; ``CompensationConfig.navigation = NAVIGATION``."""

from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import STAFF_ROLES, Role

NAVIGATION = [
    NavItem(
        label=_("My payslips"),
        url_name="compensation:payslips",
        roles=frozenset(STAFF_ROLES),
        order=60,
        description=_("Your pay of each final run, line by line with what produced it."),
    ),
    NavItem(
        label=_("Payroll runs"),
        url_name="compensation:runs",
        roles=frozenset({Role.RECRUITMENT_HEAD, Role.GENERAL_MANAGER, Role.ADMIN}),
        order=61,
        description=_("Monthly payroll, quarterly and year-end bonuses: start, check, finalise, allocate."),
    ),
]
