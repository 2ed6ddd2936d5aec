import pytest

from tests.factories.scoring import WORKED_EXAMPLE

pytestmark = pytest.mark.django_db

URL = "/api/v1/scoring/calculate/"
STAFF_ROLES = [
    "recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "customer_service",
    "dept_head",
    "admin_user",
    "second_recruiter",
    "outside_recruiter",
    "outside_head",
]


def post(client, body, **headers):
    return client.post(URL, body, format="json", **headers)


def test_it_gives_the_worked_example(client_for, recruiter):
    response = post(client_for(recruiter), WORKED_EXAMPLE)
    assert response.status_code == 200
    assert response.json() == {
        "score": "13.70",
        "merchant_class": "II",
        "items": {
            "brand": "3.00",
            "decoration": "0.50",
            "area_sqm": "1.00",
            "registered_capital": "0.40",
            "staff_count": "0.50",
            "years_in_business": "0.30",
            "frequency": "8.00",
        },
    }


def test_it_defaults_large_or_chain_to_false(client_for, recruiter):
    body = {**WORKED_EXAMPLE, "category": "supermarket"}
    del body["large_or_chain"]
    assert post(client_for(recruiter), body).json()["merchant_class"] == "II"


def test_it_classes_a_large_supermarket_as_i(client_for, recruiter):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "large_or_chain": True, "brand": 1, "frequency": "occasional"}
    assert post(client_for(recruiter), body).json()["merchant_class"] == "I"


def test_it_accepts_numbers_as_strings_or_numbers(client_for, recruiter):
    body = {**WORKED_EXAMPLE, "area_sqm": 50.01, "registered_capital": 100000, "years_in_business": "1.5"}
    items = post(client_for(recruiter), body).json()["items"]
    assert (items["area_sqm"], items["registered_capital"], items["years_in_business"]) == ("0.60", "0.20", "0.10")


@pytest.mark.parametrize("role_fixture", STAFF_ROLES)
def test_every_staff_role_may_use_it(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = post(client_for(user), WORKED_EXAMPLE)
    assert response.status_code == 200
    assert (response.json()["score"], response.json()["merchant_class"]) == ("13.70", "II")


@pytest.mark.parametrize("role_fixture", ["merchant_user", "other_merchant_user"])
def test_merchants_are_refused(request, client_for, role_fixture):
    response = post(client_for(request.getfixturevalue(role_fixture)), WORKED_EXAMPLE)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "score" not in response.json()


def test_anonymous_users_are_refused(api_client):
    response = post(api_client, WORKED_EXAMPLE)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "bakery"),
        ("category", None),
        ("brand", 0),
        ("brand", 6),
        ("brand", "three"),
        ("brand", 2.5),
        ("decoration", "gold"),
        ("area_sqm", -1),
        ("area_sqm", "-0.01"),
        ("area_sqm", "lots"),
        ("area_sqm", "1e400"),
        ("area_sqm", "NaN"),
        ("area_sqm", "Infinity"),
        ("area_sqm", "50.005"),
        ("registered_capital", -100),
        ("registered_capital", "9" * 40),
        ("staff_count", -1),
        ("staff_count", 10**30),
        ("staff_count", 3.5),
        ("years_in_business", -2),
        ("years_in_business", None),
        ("frequency", "daily"),
        ("frequency", ["high"]),
        ("large_or_chain", "maybe"),
        ("large_or_chain", None),
        ("brand", {"value": 3}),
        ("area_sqm", [1, 2]),
    ],
)
def test_it_names_the_bad_field(client_for, recruiter, field, value):
    response = post(client_for(recruiter), {**WORKED_EXAMPLE, field: value})
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("field", [f for f in WORKED_EXAMPLE if f != "large_or_chain"])
def test_it_requires_every_field(client_for, recruiter, field):
    body = {key: value for key, value in WORKED_EXAMPLE.items() if key != field}
    response = post(client_for(recruiter), body)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("body", [[], "text", [WORKED_EXAMPLE], 42, None])
def test_it_refuses_a_body_that_is_not_an_object(client_for, recruiter, body):
    response = post(client_for(recruiter), body)
    assert response.status_code == 400
    # Named: the whole body (not an object) or, for an empty list read as a form, each field.
    assert response.json() and set(response.json()) <= {*WORKED_EXAMPLE, "non_field_errors"}


def test_it_refuses_broken_json(client_for, recruiter):
    response = client_for(recruiter).post(URL, "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_errors_come_in_chinese_by_default(client_for, recruiter):
    response = post(client_for(recruiter), {**WORKED_EXAMPLE, "brand": 9, "area_sqm": -1, "frequency": "daily"})
    body = response.json()
    assert "品牌" in body["brand"][0]
    assert "0" in body["area_sqm"][0] and "确保" in body["area_sqm"][0]
    assert "不是合法选项" in body["frequency"][0]


def test_errors_come_in_english_when_asked(client_for, recruiter):
    response = post(
        client_for(recruiter),
        {**WORKED_EXAMPLE, "brand": 9, "area_sqm": -1, "frequency": "daily"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.json()
    assert body["brand"] == ["Brand must be a whole number from 1 to 5."]
    assert "greater than or equal to 0" in body["area_sqm"][0]
    assert "is not a valid choice" in body["frequency"][0]


def test_a_missing_field_is_named_in_chinese(client_for, recruiter):
    body = {key: value for key, value in WORKED_EXAMPLE.items() if key != "staff_count"}
    assert post(client_for(recruiter), body).json() == {"staff_count": ["该字段是必填项。"]}


def test_without_a_rule_set_in_force_it_says_so_instead_of_failing(client_for, recruiter):
    from scoring.models import ScoringRuleSet

    ScoringRuleSet.objects.all().delete()
    response = post(client_for(recruiter), WORKED_EXAMPLE)
    assert response.status_code == 409
    assert response.json()["code"] == "rule_not_in_force"
