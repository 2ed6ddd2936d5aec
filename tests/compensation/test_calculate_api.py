"""POST /api/v1/compensation/calculate/ (API.md): the pay rules of SPEC.md §5 as a
calculator — each shape with the worked examples and boundaries of §5, each field's
checks, who may use it, what a call costs and the language of its messages."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from compensation.models import CompensationRuleSet
from tests.factories.workplace import make_user
from workplace.api.tokens import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/compensation/calculate/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATER = dt.date(2027, 1, 1)
D = Decimal

STAFF_ROLES = [
    "recruiter",
    "second_recruiter",
    "recruitment_head",
    "outside_head",
    "outside_recruiter",
    "general_manager",
    "ops_director",
    "customer_service",
    "dept_head",
    "admin_user",
]
QUARTER = {"quarter_profit": "3000.00", "merchant_months": 30, "terminated": 1, "owned": 10}
YEAR = {"year_profit": "3000.00", "merchant_months": 30}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(client_for, recruiter):
    return client_for(recruiter)


def post(client, body, **headers):
    return client.post(URL, body, format="json", **{**EN, **headers})


def ok(client, body):
    response = post(client, body)
    assert response.status_code == 200, response.json()
    return response.json()


# --- §5.2 assessment pay -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "pay"),
    [
        # SPEC §5.2's worked examples
        ("3", "-150.00"),
        ("5.5", "-25.00"),
        ("6", "0.00"),
        ("8.5", "25.00"),
        ("12", "120.00"),
        # around 6 and 10
        ("5.99", "-0.50"),
        ("6.01", "0.10"),
        ("10", "40.00"),
        ("10.01", "40.40"),
        ("10.5", "60.00"),
        ("0", "-300.00"),
        # valid complaints take 0.5 each (§5.1): a month can end below zero
        ("-1", "-350.00"),
        ("-0.5", "-325.00"),
    ],
)
def test_assessment_pay(staff, points, pay):
    assert ok(staff, {"points": points}) == {"assessment_pay": pay}


def test_points_may_be_numbers(staff):
    assert ok(staff, {"points": 5.5}) == {"assessment_pay": "-25.00"}
    assert ok(staff, {"points": 12}) == {"assessment_pay": "120.00"}


# --- §5.4 quarterly bonus ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "result"),
    [
        # average exactly 50: no bonus (whatever the churn)
        (
            {"quarter_profit": "1500.00", "merchant_months": 30, "terminated": 0, "owned": 10},
            {"average": "50.00", "churn": "0.00", "rate": "0.00", "bonus": "0.00"},
        ),
        # just above 50: 1 %
        (
            {"quarter_profit": "1500.30", "merchant_months": 30, "terminated": 0, "owned": 10},
            {"average": "50.01", "churn": "0.00", "rate": "1.00", "bonus": "15.00"},
        ),
        # exactly 100, churn exactly 10 %: 1.2 %, nothing taken
        (QUARTER, {"average": "100.00", "churn": "10.00", "rate": "1.20", "bonus": "36.00"}),
        # 99.9966… shown as 100.00 is one step short of 100
        (
            {"quarter_profit": "299.99", "merchant_months": 3, "terminated": 0, "owned": 10},
            {"average": "100.00", "churn": "0.00", "rate": "1.00", "bonus": "3.00"},
        ),
        # churn exactly 20 %: −0.2; 30 %: −0.4; 19.99 %: nothing
        (
            {**QUARTER, "terminated": 2},
            {"average": "100.00", "churn": "20.00", "rate": "1.00", "bonus": "30.00"},
        ),
        (
            {**QUARTER, "terminated": 3},
            {"average": "100.00", "churn": "30.00", "rate": "0.80", "bonus": "24.00"},
        ),
        (
            {**QUARTER, "terminated": 1999, "owned": 10000},
            {"average": "100.00", "churn": "19.99", "rate": "1.20", "bonus": "36.00"},
        ),
        # the 2 % cap, reached and held
        (
            {"quarter_profit": "9000.00", "merchant_months": 30, "terminated": 0, "owned": 10},
            {"average": "300.00", "churn": "0.00", "rate": "2.00", "bonus": "180.00"},
        ),
        (
            {"quarter_profit": "30000.00", "merchant_months": 30, "terminated": 0, "owned": 10},
            {"average": "1000.00", "churn": "0.00", "rate": "2.00", "bonus": "600.00"},
        ),
        # a churn deduction larger than the rate leaves 0, never less
        (
            {"quarter_profit": "1800.00", "merchant_months": 30, "terminated": 10, "owned": 10},
            {"average": "60.00", "churn": "100.00", "rate": "0.00", "bonus": "0.00"},
        ),
        # no merchant-months: an average of 0, no division; owned 0: churn 0
        (
            {"quarter_profit": "0", "merchant_months": 0, "terminated": 0, "owned": 0},
            {"average": "0.00", "churn": "0.00", "rate": "0.00", "bonus": "0.00"},
        ),
        (
            {"quarter_profit": "500.00", "merchant_months": 0, "terminated": 0, "owned": 0},
            {"average": "0.00", "churn": "0.00", "rate": "0.00", "bonus": "0.00"},
        ),
        # 1000.50 × 1 % = 10.005: half up
        (
            {"quarter_profit": "1000.50", "merchant_months": 15, "terminated": 0, "owned": 5},
            {"average": "66.70", "churn": "0.00", "rate": "1.00", "bonus": "10.01"},
        ),
        # churn shown to 2 places
        (
            {"quarter_profit": "3000", "merchant_months": 30, "terminated": 1, "owned": 3},
            {"average": "100.00", "churn": "33.33", "rate": "0.80", "bonus": "24.00"},
        ),
    ],
)
def test_quarterly_bonus(staff, body, result):
    assert ok(staff, body) == result


# --- §5.6 year-end pool ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "result"),
    [
        ({"year_profit": "1500.00", "merchant_months": 30}, {"average": "50.00", "pool_rate": "0.00", "pool": "0.00"}),
        ({"year_profit": "1500.30", "merchant_months": 30}, {"average": "50.01", "pool_rate": "0.50", "pool": "7.50"}),
        (
            {"year_profit": "2999.99", "merchant_months": 30},
            {"average": "100.00", "pool_rate": "0.50", "pool": "15.00"},
        ),
        (YEAR, {"average": "100.00", "pool_rate": "0.60", "pool": "18.00"}),
        (
            {"year_profit": "9000.00", "merchant_months": 30},
            {"average": "300.00", "pool_rate": "1.00", "pool": "90.00"},
        ),
        # the 1 % cap held
        (
            {"year_profit": "60000.00", "merchant_months": 30},
            {"average": "2000.00", "pool_rate": "1.00", "pool": "600.00"},
        ),
        ({"year_profit": "800.00", "merchant_months": 0}, {"average": "0.00", "pool_rate": "0.00", "pool": "0.00"}),
    ],
)
def test_year_end_pool(staff, body, result):
    assert ok(staff, body) == result


def test_the_largest_figures_fit(staff):
    assert ok(staff, {"points": "999999.99"}) == {"assessment_pay": "39999639.60"}
    big = "999999999999.99"
    assert ok(staff, {"quarter_profit": big, "merchant_months": 1, "terminated": 0, "owned": 1})["bonus"] == (
        "20000000000.00"
    )
    assert ok(staff, {"year_profit": big, "merchant_months": 1})["pool"] == "10000000000.00"


# --- the rule set ----------------------------------------------------------------------------


@pytest.fixture
def later_rules(db):
    spec = CompensationRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))
    spec.pk = None
    spec.effective_from = LATER
    spec.pay_mid_per_point = D("20.00")
    spec.bonus_base_rate = D("1.50")
    spec.pool_base_rate = D("0.70")
    spec.save()
    return spec


def test_it_uses_the_rule_set_in_force_today(staff, later_rules):
    assert ok(staff, {"points": "8"}) == {"assessment_pay": "20.00"}
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert ok(staff, {"points": "8"}) == {"assessment_pay": "40.00"}


def test_on_chooses_the_rule_set(staff, later_rules):
    assert ok(staff, {"points": "8", "on": "2027-01-01"}) == {"assessment_pay": "40.00"}
    assert ok(staff, {"points": "8", "on": "2026-12-31"}) == {"assessment_pay": "20.00"}
    assert ok(staff, {**QUARTER, "on": "2027-01-01"})["rate"] == "1.70"  # 1.5 + 0.2
    assert ok(staff, {**YEAR, "on": "2027-01-01"})["pool_rate"] == "0.80"  # 0.7 + 0.1


def test_a_day_before_any_rule_set_is_refused_not_failed(staff):
    response = post(staff, {"points": "8", "on": "1999-12-31"})
    assert response.status_code == 409
    assert response.json()["code"] == "rule_not_in_force"


# --- shapes and fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"points": "8", "year_profit": "10", "merchant_months": 1},
        {"points": "8", "merchant_months": 1},
        {**QUARTER, "year_profit": "10"},
        {"year_profit": "10", "merchant_months": 1, "owned": 3},
        {"year_profit": "10", "merchant_months": 1, "terminated": 0},
        {"points": "8", **QUARTER},
    ],
)
def test_a_body_mixing_calculations_is_refused_naming_its_fields(staff, body):
    response = post(staff, body)
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    given = sorted(set(body) - {"on"})
    assert f"The fields {', '.join(given)} belong to different calculations" in message
    assert "points; quarter_profit, merchant_months, terminated, owned; year_profit, merchant_months" in message


@pytest.mark.parametrize("body", [{}, {"merchant_months": 3}, {"on": "2026-10-01"}, {"profit": "12"}])
def test_a_body_naming_no_calculation_is_refused(staff, body):
    response = post(staff, body)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Give the fields of one calculation: "
            "points; quarter_profit, merchant_months, terminated, owned; year_profit, merchant_months."
        ]
    }


@pytest.mark.parametrize("body", [[], [{"points": "8"}], "points", 42, None])
def test_a_body_that_is_not_an_object_is_refused(staff, body):
    response = post(staff, body)
    assert response.status_code == 400
    assert set(response.json()) == {"non_field_errors"}


def test_broken_json_is_refused(staff):
    response = staff.post(URL, "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_a_form_encoded_body_works(staff):
    response = staff.post(URL, {"points": "5.5"})
    assert (response.status_code, response.json()) == (200, {"assessment_pay": "-25.00"})


def test_unknown_keys_are_ignored(staff):
    assert ok(staff, {"points": "6", "note": "x"}) == {"assessment_pay": "0.00"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"points": "5.555"}, "points", "Ensure that there are no more than 2 decimal places."),
        ({"points": "1000000"}, "points", "Ensure that there are no more than 6 digits before the decimal point."),
        ({"points": "lots"}, "points", "A valid number is required."),
        ({"points": "NaN"}, "points", "A valid number is required."),
        ({"points": "Infinity"}, "points", "A valid number is required."),
        ({"points": "1e400"}, "points", "Ensure that there are no more than 8 digits in total."),
        ({"points": None}, "points", "This field may not be null."),
        ({"points": [1]}, "points", "A valid number is required."),
        ({"points": "8", "on": "tomorrow"}, "on", None),
        ({**QUARTER, "quarter_profit": "-0.01"}, "quarter_profit", "Ensure this value is greater than or equal to 0."),
        (
            {**QUARTER, "quarter_profit": "12.345"},
            "quarter_profit",
            "Ensure that there are no more than 2 decimal places.",
        ),
        ({**QUARTER, "quarter_profit": "9" * 13}, "quarter_profit", None),
        ({**QUARTER, "merchant_months": -1}, "merchant_months", "Ensure this value is greater than or equal to 0."),
        ({**QUARTER, "merchant_months": 2.5}, "merchant_months", "A valid integer is required."),
        ({**QUARTER, "merchant_months": 10**30}, "merchant_months", None),
        ({**QUARTER, "terminated": -1}, "terminated", "Ensure this value is greater than or equal to 0."),
        ({**QUARTER, "owned": "many"}, "owned", "A valid integer is required."),
        (
            {**QUARTER, "terminated": 11, "owned": 10},
            "terminated",
            "The merchants terminated cannot be more than the merchants owned.",
        ),
        (
            {**QUARTER, "terminated": 1, "owned": 0},
            "terminated",
            "The merchants terminated cannot be more than the merchants owned.",
        ),
        ({**YEAR, "year_profit": "-5"}, "year_profit", "Ensure this value is greater than or equal to 0."),
        ({**YEAR, "year_profit": "1.001"}, "year_profit", "Ensure that there are no more than 2 decimal places."),
        ({**YEAR, "merchant_months": -3}, "merchant_months", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_each_field_is_checked_and_named(staff, body, field, message):
    response = post(staff, body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    if message:
        assert response.json()[field] == [message]


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"quarter_profit": "10"}, ["merchant_months", "owned", "terminated"]),
        ({"quarter_profit": "10", "merchant_months": 1, "owned": 2}, ["terminated"]),
        ({"terminated": 0, "owned": 2, "merchant_months": 1}, ["quarter_profit"]),
        ({"year_profit": "10"}, ["merchant_months"]),
    ],
)
def test_the_missing_fields_of_the_chosen_calculation_are_named(staff, body, missing):
    response = post(staff, body)
    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."] for field in missing}


# --- language ---------------------------------------------------------------------------------


def test_messages_come_in_chinese_by_default(client_for, recruiter):
    response = client_for(recruiter).post(URL, {"quarter_profit": "-1", "owned": 1, "terminated": 0}, format="json")
    assert response.json() == {
        "quarter_profit": ["请确保该值大于或者等于 0。"],
        "merchant_months": ["该字段是必填项。"],
    }


def test_messages_come_in_chinese_when_asked(staff):
    response = post(staff, {**YEAR, "year_profit": "1.001"}, **ZH)
    assert response.json() == {"year_profit": ["请确保总计不超过 2 个小数位。"]}


def test_a_merchant_is_refused_in_chinese(client_for, merchant_user):
    response = client_for(merchant_user).post(URL, {"points": "12"}, format="json")
    assert response.json()["detail"] == "仅限公司员工使用。"


@pytest.mark.parametrize(
    ("body", "field", "english"),
    [
        (
            {**QUARTER, "terminated": 11},
            "terminated",
            "The merchants terminated cannot be more than the merchants owned.",
        ),
        ({}, "non_field_errors", "Give the fields of one calculation: "),
        ({"points": "1", "year_profit": "1"}, "non_field_errors", "belong to different calculations"),
    ],
)
def test_this_modules_own_messages_come_in_chinese(staff, body, field, english):
    (message,) = post(staff, body, **ZH).json()[field]
    assert english not in message
    assert any("\u4e00" <= char <= "\u9fff" for char in message)


def test_messages_come_in_english_when_asked(staff):
    response = post(staff, {"quarter_profit": "-1", "owned": 1, "terminated": 0})
    assert response.json() == {
        "quarter_profit": ["Ensure this value is greater than or equal to 0."],
        "merchant_months": ["This field is required."],
    }


# --- who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture", STAFF_ROLES)
def test_every_staff_role_may_use_it(request, client_for, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    assert ok(client, {"points": "12"}) == {"assessment_pay": "120.00"}
    assert ok(client, QUARTER)["bonus"] == "36.00"
    assert ok(client, YEAR)["pool"] == "18.00"


@pytest.mark.parametrize("role_fixture", ["merchant_user", "other_merchant_user"])
def test_merchants_are_refused(request, client_for, role_fixture):
    response = post(client_for(request.getfixturevalue(role_fixture)), {"points": "12"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert response.json()["detail"] == "Only staff members may use this."
    assert "assessment_pay" not in response.json()


def test_a_merchant_who_also_holds_a_staff_role_is_refused(client_for, merchant_user):
    merchant_user.groups.add(Group.objects.get(name="recruiter"))
    response = post(client_for(merchant_user), {"points": "12"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_anonymous_callers_are_refused(api_client):
    response = post(api_client, {"points": "12"})
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert "assessment_pay" not in response.json()


def test_a_refused_caller_learns_nothing_of_the_body(api_client, client_for, merchant_user):
    # the permission comes first: a bad body is not checked for someone who may not call
    assert post(api_client, {"points": "x"}).json()["code"] == "not_authenticated"
    assert post(client_for(merchant_user), {}).json()["code"] == "permission_denied"


# --- what a call costs ------------------------------------------------------------------------------

# the token with its user and the user's role names (workplace.api.tokens); the rule set
# in force comes from the cache
EXPECTED_QUERIES = 1


@pytest.mark.parametrize(
    ("body", "key", "value"),
    [({"points": "5.5"}, "assessment_pay", "-25.00"), (QUARTER, "bonus", "36.00"), (YEAR, "pool", "18.00")],
)
def test_a_calculation_costs_one_query(recruiter, queries, body, key, value):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(recruiter)[0]}")

    def call():
        response = client.post(URL, body, format="json")
        assert (response.status_code, response.json()[key]) == (200, value)

    call()  # the first call of the process reads the rule set into the cache

    def grow():
        issue_token(make_user("recruiter"))
        recruiter.groups.add(Group.objects.get_or_create(name=f"extra-{Group.objects.count()}")[0])

    queries.assert_constant(call, grow, expected=EXPECTED_QUERIES)
