import pytest
from django.contrib.auth.models import Group

from workplace.roles import Role, has_role, highest_ladder_role, roles_of, sync_role_permissions

pytestmark = pytest.mark.django_db


def test_every_role_of_the_spec_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert set(Role.values) == {
        "merchant",
        "recruiter",
        "recruitment_head",
        "ops_director",
        "general_manager",
        "customer_service",
        "dept_head",
        "admin",
        "finance",
    }


def test_admins_may_edit_the_calendar():
    sync_role_permissions()
    codenames = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert {"add_calendaroverride", "change_calendaroverride", "add_calendaryear"} <= codenames


def test_merchants_get_no_model_permissions():
    sync_role_permissions()
    assert not Group.objects.get(name="merchant").permissions.exists()


def test_it_reads_roles_of_a_user(recruiter, merchant_user):
    assert roles_of(recruiter) == {"recruiter"}
    assert has_role(merchant_user, Role.MERCHANT)
    assert not has_role(merchant_user, Role.RECRUITER)


def test_the_highest_ladder_role(recruitment_head, general_manager, customer_service):
    assert highest_ladder_role(recruitment_head) == Role.RECRUITMENT_HEAD
    assert highest_ladder_role(general_manager) == Role.GENERAL_MANAGER
    assert highest_ladder_role(customer_service) is None


def test_role_groups_have_their_permissions_after_migrating(db):
    """post_migrate reaches only apps with models; the sync runs after the last of them,
    even when an app without models (dashboards) comes after it in INSTALLED_APPS."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    assert [c for c in apps.get_app_configs() if c.models_module is None], "an app without models is installed"
    head = Group.objects.get(name="recruitment_head")
    assert head.permissions.filter(content_type__app_label="compensation", codename="add_payrollrun").exists()
