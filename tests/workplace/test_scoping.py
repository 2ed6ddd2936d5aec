import pytest

from merchants.models import Merchant
from merchants.selectors import merchants_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchants(recruiter, second_recruiter, outside_recruiter, department, other_department, merchant_user):
    return {
        "own": Merchant.objects.create(
            name="own", category="supermarket", recruiter=recruiter, department=department, user=merchant_user
        ),
        "colleague": Merchant.objects.create(
            name="colleague", category="supermarket", recruiter=second_recruiter, department=department
        ),
        "outside": Merchant.objects.create(
            name="outside", category="supermarket", recruiter=outside_recruiter, department=other_department
        ),
    }


def names(user):
    return set(merchants_for_user(user).values_list("name", flat=True))


def test_a_recruiter_sees_only_their_own(merchants, recruiter):
    assert names(recruiter) == {"own"}


def test_a_head_sees_their_department(merchants, recruitment_head):
    assert names(recruitment_head) == {"own", "colleague"}


def test_company_wide_roles_see_everything(merchants, ops_director, general_manager, admin_user, customer_service):
    for user in (ops_director, general_manager, admin_user, customer_service):
        assert names(user) == {"own", "colleague", "outside"}


def test_a_merchant_sees_only_itself(merchants, merchant_user, other_merchant_user):
    assert names(merchant_user) == {"own"}
    assert names(other_merchant_user) == set()


def test_a_department_head_of_another_department_sees_nothing_of_ours(merchants, dept_head):
    assert names(dept_head) == set()


def test_anonymous_sees_nothing(merchants):
    from django.contrib.auth.models import AnonymousUser

    assert names(AnonymousUser()) == set()
