"""GET /api/v1/recommendations/: whose prospects each role sees (a recruiter its own and
the unassigned ones in its plan's area, never another's), the ranking and its reasons
over the real plan's progress, ?recruiter= per role, pagination and the query count."""

import datetime as dt

import pytest

from merchants.models import ApplicationStatus, Category, Merchant, MerchantStatus, Segment
from tests.factories.merchants import ApplicationFactory, MerchantFactory
from tests.factories.scoring import make_evaluation
from workplace.calendar import SHANGHAI

from .conftest import EN, signed

pytestmark = pytest.mark.django_db
URL = "/api/v1/recommendations/"


def days_ago(merchant, days):
    moment = dt.datetime(2026, 12, 3, 9, tzinfo=SHANGHAI) - dt.timedelta(days=days)
    Merchant.objects.filter(pk=merchant.pk).update(updated_at=moment)


@pytest.fixture
def world(plan, recruiter, second_recruiter, outside_recruiter, department, other_department):
    """Nothing signed in Fuyang yet but one basic merchant in 颍泉区 (so every other district
    is a gap, Taihe 20 short by its phase)."""
    signed(recruiter, dt.date(2026, 11, 2), district="颍泉区")
    mine = MerchantFactory(
        name="太和特色餐饮",
        district="太和县",
        segment=Segment.FEATURED,
        category=Category.DINING_ENTERTAINMENT,
        recruiter=recruiter,
        department=department,
    )
    make_evaluation(merchant=mine, evaluator=recruiter)  # the worked example: 13.70, class II
    second = MerchantFactory(name="颍州区便民店", district="颍州区", recruiter=recruiter, department=department)
    pool = MerchantFactory(
        name="颍上县超市",
        district="颍上县",
        segment=Segment.SUPERMARKET,
        category=Category.SUPERMARKET,
    )
    days_ago(pool, 5)
    hidden = {
        "another's": MerchantFactory(name="别人的", recruiter=second_recruiter, department=department),
        "outside the area": MerchantFactory(name="合肥的", district="蜀山区"),
        "another department's pool": MerchantFactory(name="外部门", department=other_department),
        "rejected": ApplicationFactory(
            merchant=MerchantFactory(name="已拒绝", recruiter=recruiter), status=ApplicationStatus.REJECTED
        ).merchant,
        "active": MerchantFactory(name="已签约", recruiter=recruiter, status=MerchantStatus.ACTIVE),
    }
    # An open application keeps a prospect on the list, even beside a rejected one.
    ApplicationFactory(merchant=second, status=ApplicationStatus.REJECTED)
    ApplicationFactory(merchant=second, status=ApplicationStatus.IN_REVIEW)
    Merchant.objects.filter(pk=second.pk).update(updated_at=dt.datetime(2026, 11, 1, tzinfo=SHANGHAI))
    return {"mine": mine, "second": second, "pool": pool, "hidden": hidden}


def get(client_for, user, query="", **headers):
    return client_for(user).get(URL + query, **headers)


def names(response):
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


def test_it_ranks_a_recruiters_prospects_with_reasons_in_chinese(client_for, recruiter, world):
    response = get(client_for, recruiter)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 3
    first, second, third = body["results"]
    assert first == {
        "merchant": world["mine"].pk,
        "name": "太和特色餐饮",
        "district": "太和县",
        "segment": "featured",
        "category": "dining_entertainment",
        "recruiter": recruiter.pk,
        "expected_class": "II",
        "last_activity": first["last_activity"],
        "days_since_activity": 0,
        "score": 85,
        "reasons": [
            {"code": "district", "text": "区县 太和县 尚缺 20 家", "points": 30},
            {"code": "segment", "text": "特色商家 尚缺 20 家", "points": 20},
            {"code": "class", "text": "预计 II 类", "points": 20},
            {"code": "recency", "text": "今天有动态", "points": 15},
        ],
    }
    # Its in-review application changed today (the factory's save): active today.
    assert (second["name"], second["score"], second["recruiter"]) == ("颍州区便民店", 75, recruiter.pk)
    assert [reason["text"] for reason in second["reasons"]] == [
        "区县 颍州区 尚无签约商户",
        "基础商家 尚缺 29 家",
        "尚无星级评估",
        "今天有动态",
    ]
    assert (third["name"], third["score"], third["recruiter"]) == ("颍上县超市", 70, None)
    assert [reason["text"] for reason in third["reasons"]] == [
        "区县 颍上县 尚无签约商户",
        "商超 尚缺 10 家",
        "尚无星级评估",
        "5 天前有动态",
    ]


def test_it_speaks_english_when_asked(client_for, recruiter, world):
    body = get(client_for, recruiter, **EN).json()
    assert [reason["text"] for reason in body["results"][0]["reasons"]] == [
        "District 太和县 is still 20 merchants short",
        "Featured merchant is still 20 merchants short",
        "Expected class II",
        "Active today",
    ]


def test_a_recruiter_sees_neither_anothers_prospects_nor_theirs_through_the_parameter(
    client_for, recruiter, second_recruiter, world
):
    assert names(get(client_for, second_recruiter)) == ["别人的", "颍上县超市"]
    response = get(client_for, recruiter, f"?recruiter={second_recruiter.pk}", **EN)
    assert response.status_code == 403
    assert "recruiter" in str(response.json())
    assert names(get(client_for, recruiter, f"?recruiter={recruiter.pk}")) == [
        "太和特色餐饮",
        "颍州区便民店",
        "颍上县超市",
    ]


def test_another_departments_recruiter_sees_its_own_pool(client_for, outside_recruiter, world):
    assert names(get(client_for, outside_recruiter)) == ["外部门", "颍上县超市"]


def test_a_head_names_a_recruiter_of_its_department_only(
    client_for, recruitment_head, recruiter, outside_recruiter, world
):
    assert names(get(client_for, recruitment_head, f"?recruiter={recruiter.pk}")) == [
        "太和特色餐饮",
        "颍州区便民店",
        "颍上县超市",
    ]
    # Without a quota in the plan, the head's own list is its own prospects only.
    assert names(get(client_for, recruitment_head)) == []
    response = get(client_for, recruitment_head, f"?recruiter={outside_recruiter.pk}", **EN)
    assert response.status_code == 403
    assert "recruiter" in str(response.json())


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user"])
def test_company_wide_roles_name_any_recruiter(request, client_for, role, outside_recruiter, world):
    user = request.getfixturevalue(role)
    assert names(get(client_for, user, f"?recruiter={outside_recruiter.pk}")) == ["外部门", "颍上县超市"]
    response = get(client_for, user, **EN)
    assert response.status_code == 400
    assert "Choose a recruiter." in str(response.json())


@pytest.mark.parametrize("role", ["merchant_user", "customer_service", "dept_head"])
def test_other_roles_are_refused(request, client_for, role, recruiter, world):
    response = get(client_for, request.getfixturevalue(role), f"?recruiter={recruiter.pk}")
    assert response.status_code == 403


def test_an_anonymous_caller_is_refused(api_client, world):
    assert api_client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize("value", ["abc", "0", "-3", "１２", "99999999"])
def test_a_bad_recruiter_is_a_400_naming_it(client_for, general_manager, value, world):
    response = get(client_for, general_manager, f"?recruiter={value}", **EN)
    assert response.status_code == 400
    assert "recruiter" in str(response.json())


def test_someone_who_does_not_recruit_is_no_recruiter(client_for, general_manager, customer_service, world):
    response = get(client_for, general_manager, f"?recruiter={customer_service.pk}", **EN)
    assert response.status_code == 400
    assert "There is no such recruiter." in str(response.json())


def test_it_paginates(client_for, recruiter, world):
    body = get(client_for, recruiter, "?page_size=1&page=2").json()
    assert body["count"] == 3
    assert [row["name"] for row in body["results"]] == ["颍州区便民店"]


def test_without_a_plan_in_force_only_class_and_recency_count(client_for, recruiter, plan, world):
    plan.ends_on = dt.date(2026, 11, 30)
    plan.save()
    body = get(client_for, recruiter).json()
    # No plan binds the recruiter to districts: its own prospects only, no gaps.
    assert [(row["name"], row["score"]) for row in body["results"]] == [("太和特色餐饮", 35), ("颍州区便民店", 25)]
    assert [reason["code"] for reason in body["results"][0]["reasons"]] == ["class", "recency"]


def test_the_query_count_does_not_grow_with_the_prospects(client_for, recruiter, department, world, queries):
    client = client_for(recruiter)

    def call():
        response = client.get(URL)
        assert response.status_code == 200

    def grow():
        mine = MerchantFactory(recruiter=recruiter, department=department, district="太和县")
        make_evaluation(merchant=mine, evaluator=recruiter)
        ApplicationFactory(merchant=mine, status=ApplicationStatus.IN_REVIEW)
        MerchantFactory(district="颍上县")

    queries.assert_constant(call, grow, expected=15)
