import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workplace.models import Department, StaffProfile
from workplace.roles import STAFF_ROLES

PASSWORD = "test-pass-123"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = "测试"
    last_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)


def make_user(role: str, *, department=None, manager=None, **fields):
    """A user in ``role``'s group; staff get a staff profile (department, manager)."""
    user = UserFactory(is_staff=role in STAFF_ROLES, is_superuser=role == "admin", **fields)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role in STAFF_ROLES:
        StaffProfile.objects.create(user=user, department=department, manager=manager)
    return user
