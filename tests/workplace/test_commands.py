import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from workplace.models import DemoDataset, StaffProfile

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_create_user_puts_the_user_in_the_role_with_a_staff_profile(capsys, department):
    call_command("create_user", "li", "--role", "recruiter", "--password", "s3cret-Pass", "--department", "recruitment")
    user = User.objects.get(username="li")
    assert list(user.groups.values_list("name", flat=True)) == ["recruiter"]
    assert user.check_password("s3cret-Pass")
    assert user.is_staff
    assert StaffProfile.objects.get(user=user).department == department
    assert "s3cret-Pass" not in capsys.readouterr().out


def test_create_user_links_the_manager(recruitment_head):
    call_command("create_user", "wu", "--role", "recruiter", "--manager", recruitment_head.username)
    assert User.objects.get(username="wu").staff_profile.manager == recruitment_head


def test_create_user_without_password_cannot_log_in_yet():
    call_command("create_user", "zhou", "--role", "customer_service")
    assert not User.objects.get(username="zhou").has_usable_password()


def test_a_merchant_gets_no_staff_profile_nor_admin_access():
    call_command("create_user", "shop", "--role", "merchant", "--password", "s3cret-Pass")
    user = User.objects.get(username="shop")
    assert not user.is_staff
    assert not StaffProfile.objects.filter(user=user).exists()


def test_create_user_refuses_a_duplicate(recruiter):
    with pytest.raises(CommandError, match="username"):
        call_command("create_user", recruiter.username, "--role", "recruiter")


def test_create_user_refuses_an_unknown_department():
    with pytest.raises(CommandError, match="department"):
        call_command("create_user", "x", "--role", "recruiter", "--department", "nowhere")
    assert not User.objects.filter(username="x").exists()


def test_create_user_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("create_user", "x", "--role", "emperor")


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_demo_creates_every_role_and_runs_twice_without_duplicates(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    users = User.objects.count()
    datasets = DemoDataset.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert DemoDataset.objects.count() == datasets
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert roles >= {
        "merchant",
        "recruiter",
        "recruitment_head",
        "ops_director",
        "general_manager",
        "customer_service",
        "dept_head",
        "admin",
    }
    assert "Demo logins" in capsys.readouterr().out
