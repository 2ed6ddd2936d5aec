import pytest

from scoring.selectors import evaluations_for_user
from tests.factories.scoring import ScoringMerchantFactory, make_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_evaluation(recruiter, department):
    merchant = ScoringMerchantFactory(recruiter=recruiter, department=department)
    return make_evaluation(merchant=merchant, evaluator=recruiter)


@pytest.fixture
def outside_evaluation(outside_recruiter, other_department):
    merchant = ScoringMerchantFactory(recruiter=outside_recruiter, department=other_department)
    return make_evaluation(merchant=merchant, evaluator=outside_recruiter)


@pytest.mark.parametrize(
    ("role_fixture", "sees_own", "sees_outside"),
    [
        ("recruiter", True, False),
        ("second_recruiter", False, False),
        ("recruitment_head", True, False),
        ("outside_recruiter", False, True),
        ("outside_head", False, True),
        ("ops_director", True, True),
        ("general_manager", True, True),
        ("customer_service", True, True),
        ("admin_user", True, True),
        ("dept_head", False, False),
        ("merchant_user", False, False),
    ],
)
def test_it_scopes_evaluations_like_merchants(
    request, own_evaluation, outside_evaluation, role_fixture, sees_own, sees_outside
):
    user = request.getfixturevalue(role_fixture)
    visible = set(evaluations_for_user(user))
    assert (own_evaluation in visible, outside_evaluation in visible) == (sees_own, sees_outside)


def test_a_merchant_does_not_see_its_own_evaluations(recruiter, department, merchant_user):
    merchant = ScoringMerchantFactory(recruiter=recruiter, department=department, user=merchant_user)
    make_evaluation(merchant=merchant, evaluator=recruiter)
    assert not evaluations_for_user(merchant_user).exists()


def test_anonymous_users_see_nothing(own_evaluation):
    from django.contrib.auth.models import AnonymousUser

    assert not evaluations_for_user(AnonymousUser()).exists()
