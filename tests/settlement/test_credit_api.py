"""``GET /api/v1/merchants/{id}/credit/`` (API.md "Merchant money"): shape, language, scope."""

import datetime as dt

import pytest
from django.utils import timezone

from settlement.models import CreditRating, CreditRuleSet
from tests.settlement.conftest import EN, ZH

pytestmark = pytest.mark.django_db


def _url(merchant):
    return f"/api/v1/merchants/{merchant.pk}/credit/"


@pytest.fixture
def rated(merchant):
    rules = CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))
    common = {"merchant": merchant, "rule_set": rules, "computed_at": timezone.now()}
    CreditRating.objects.create(
        as_of=dt.date(2026, 8, 1), score=95, grade="A", factors=[{"code": "start", "count": 1, "points": 95}], **common
    )
    CreditRating.objects.create(
        as_of=dt.date(2026, 9, 1),
        score=69,
        grade="C",
        factors=[
            {"code": "start", "count": 1, "points": 80},
            {"code": "valid_complaint", "count": 2, "points": -20},
            {"code": "satisfied_survey", "count": 2, "points": 4},
            {"code": "full_deposit", "count": 1, "points": 5},
        ],
        **common,
    )
    # Next month's rating is not in force yet on the frozen day (2026-09-20).
    CreditRating.objects.create(as_of=dt.date(2026, 10, 1), score=10, grade="D", factors=[], **common)
    return merchant


def test_it_answers_the_rating_in_force_with_its_factors(client_for, recruiter, rated):
    response = client_for(recruiter).get(_url(rated), **EN)
    assert response.status_code == 200
    assert response.json() == {
        "grade": "C",
        "score": 69,
        "factors": [
            {"what": "Starting score", "points": 80},
            {"what": "Valid complaints × 2", "points": -20},
            {"what": "Satisfied surveys × 2", "points": 4},
            {"what": "Full deposit held", "points": 5},
        ],
    }


def test_it_says_the_factors_in_chinese(client_for, recruiter, rated):
    factors = client_for(recruiter).get(_url(rated), **ZH).json()["factors"]
    assert [f["what"] for f in factors] == ["初始分", "有效投诉 × 2", "满意回访 × 2", "足额缴纳保证金"]


def test_it_answers_null_for_a_merchant_not_rated_yet(client_for, merchant_user, merchant):
    response = client_for(merchant_user).get(_url(merchant))
    assert response.status_code == 200
    assert response.json() == {"grade": None, "score": None, "factors": []}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("recruiter", 200),
        ("recruitment_head", 200),
        ("general_manager", 200),
        ("ops_director", 200),
        ("admin_user", 200),
        ("customer_service", 200),
        ("merchant_user", 200),
        ("second_recruiter", 404),
        ("outside_recruiter", 404),
        ("outside_head", 404),
        ("other_merchant_user", 404),
    ],
)
def test_it_is_scoped_like_the_merchant(request, client_for, rated, role, status):
    user = request.getfixturevalue(role)
    assert client_for(user).get(_url(rated)).status_code == status


def test_it_is_404_for_a_merchant_reaching_for_another(client_for, merchant_user, other_merchant):
    response = client_for(merchant_user).get(_url(other_merchant))
    assert response.status_code == 404
    assert response.json()


def test_it_refuses_anonymous_callers(client, rated):
    assert client.get(_url(rated)).status_code in (401, 403)


def test_it_reads_in_constant_queries(client_for, recruiter, rated, queries):
    client = client_for(recruiter)
    client.get(_url(rated))  # the first request reads what the process then keeps
    count, _ = queries.count(lambda: client.get(_url(rated)))
    rules = CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))
    for month in range(1, 8):
        CreditRating.objects.create(
            merchant=rated,
            as_of=dt.date(2026, month, 1),
            score=80,
            grade="B",
            rule_set=rules,
            computed_at=timezone.now(),
        )
    assert queries.count(lambda: client.get(_url(rated)))[0] == count
