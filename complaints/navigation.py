"""Menu entries of complaint handling; ``ComplaintsConfig.navigation = NAVIGATION``."""

from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import COMPANY_WIDE_ROLES, Role

NAVIGATION = [
    NavItem(
        label=_("My complaints"),
        url_name="complaints:mine",
        roles=frozenset({Role.MERCHANT}),
        order=18,
        description=_("File a complaint and follow its progress."),
    ),
    NavItem(
        label=_("Complaint queue"),
        url_name="complaints:queue",
        roles=frozenset({Role.CUSTOMER_SERVICE}),
        order=40,
        description=_("Intake, investigation, the merchant's opinion and follow-up visits, overdue first."),
    ),
    NavItem(
        label=_("Complaints to answer"),
        url_name="complaints:head_queue",
        roles=frozenset({Role.DEPT_HEAD}),
        order=41,
        description=_("Transfer slips routed to your department: answer and carry out the solution."),
    ),
    NavItem(
        label=_("Complaints"),
        url_name="complaints:list",
        roles=frozenset(COMPANY_WIDE_ROLES | {Role.RECRUITMENT_HEAD, Role.DEPT_HEAD}),
        order=42,
        description=_("The complaints of your department and their progress."),
    ),
    NavItem(
        label=_("Complaint service level"),
        url_name="complaints:service_level",
        roles=frozenset(COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE}),
        order=43,
        description=_("Open by step, overdue, days to close, first responses within 48 h."),
    ),
]
