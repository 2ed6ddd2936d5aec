from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import COMPANY_WIDE_ROLES, Role

_READ = [
    "plans.view_region",
    "plans.view_plan",
    "plans.view_plantarget",
    "plans.view_phase",
    "plans.view_phasetarget",
    "plans.view_quota",
]
_WRITE = [
    "plans.add_plan",
    "plans.change_plan",
    "plans.add_plantarget",
    "plans.change_plantarget",
    "plans.delete_plantarget",
    "plans.add_phase",
    "plans.change_phase",
    "plans.delete_phase",
    "plans.add_phasetarget",
    "plans.change_phasetarget",
    "plans.delete_phasetarget",
    "plans.add_quota",
    "plans.change_quota",
    "plans.delete_quota",
]


class PlansConfig(AppConfig):
    """Recruitment plans (招商计划, SPEC.md §6): regions, targets, phases and quotas."""

    name = "plans"
    verbose_name = _("Recruitment plans")
    # Every manager who steers recruitment writes plans; staff read them (the progress
    # figures are scoped by role in plans.selectors). Admins keep the regions.
    role_permissions = {
        "admin": ["plans.*"],
        "general_manager": [*_READ, *_WRITE],
        "ops_director": [*_READ, *_WRITE],
        "recruitment_head": [*_READ, *_WRITE],
        "recruiter": _READ,
    }
    navigation = [
        NavItem(
            label=_("Recommendations"),
            url_name="plans:recommendations",
            roles=frozenset(COMPANY_WIDE_ROLES | {Role.RECRUITER, Role.RECRUITMENT_HEAD}),
            order=12,
            description=_("The prospects most worth a recruiter's time, ranked, with the reasons."),
        ),
    ]
