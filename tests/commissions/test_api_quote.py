import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/commissions/quote/"


def quote(client, rate, category="dining_entertainment", **headers):
    return client.post(URL, {"category": category, "prepaid_rate": rate}, format="json", **headers)


def test_it_quotes_as_the_contract_says(client_for, recruiter):
    response = quote(client_for(recruiter), "6.00")
    assert response.status_code == 200
    assert response.json() == {
        "standard_rate": "10.00",
        "ratio": "60.00",
        "required_role": "ops_director",
        "chain": ["recruitment_head", "ops_director"],
    }


def test_it_needs_nobody_within_the_recruiters_authority(client_for, recruiter):
    assert quote(client_for(recruiter), "9.00").json() == {
        "standard_rate": "10.00",
        "ratio": "90.00",
        "required_role": "recruiter",
        "chain": [],
    }


@pytest.mark.parametrize(
    "rate, ratio, role",
    [
        ("12.00", "120.00", "recruiter"),
        ("8.50", "85.00", "recruiter"),
        ("8.499", "84.99", "recruitment_head"),
        ("7.00", "70.00", "recruitment_head"),
        ("6.999", "69.99", "ops_director"),
        ("5.001", "50.01", "ops_director"),
        ("5.00", "50.00", "general_manager"),
    ],
)
def test_every_band_boundary(client_for, recruiter, rate, ratio, role):
    body = quote(client_for(recruiter), rate).json()
    assert (body["ratio"], body["required_role"]) == (ratio, role)


@pytest.mark.parametrize(
    "rate, chain",
    [
        ("8.50", []),
        ("8.40", ["recruitment_head"]),
        ("7.00", ["recruitment_head"]),
        ("6.90", ["recruitment_head", "ops_director"]),
        ("5.10", ["recruitment_head", "ops_director"]),
        ("5.00", ["recruitment_head", "ops_director", "general_manager"]),
    ],
)
def test_the_spec_examples(client_for, recruiter, rate, chain):
    assert quote(client_for(recruiter), rate).json()["chain"] == chain


def test_it_compares_the_exact_ratio_though_it_shows_two_decimals(client_for, recruiter):
    body = quote(client_for(recruiter), "8.4999").json()
    assert body["ratio"] == "85.00"
    assert body["required_role"] == "recruitment_head"


def test_it_uses_each_categorys_standard(client_for, recruiter):
    body = quote(client_for(recruiter), "13.00", category="beauty_hair").json()
    assert (body["standard_rate"], body["ratio"], body["required_role"]) == ("15.00", "86.67", "recruiter")


@pytest.mark.parametrize("rate", ["-0.0001", "-1", "100.01", "abc", "NaN", "Infinity", "1.23456", ""])
def test_it_refuses_bad_rates_naming_the_field(client_for, recruiter, rate):
    response = quote(client_for(recruiter), rate)
    assert response.status_code == 400
    assert "prepaid_rate" in response.json()


@pytest.mark.parametrize("rate", ["0", "0.00", "0.0000"])
def test_a_zero_commission_is_the_general_managers(client_for, recruiter, rate):
    response = quote(client_for(recruiter), rate)
    assert response.status_code == 200
    assert response.json() == {
        "standard_rate": "10.00",
        "ratio": "0.00",
        "required_role": "general_manager",
        "chain": ["recruitment_head", "ops_director", "general_manager"],
    }


def test_the_smallest_rate_above_zero_is_the_general_managers_too(client_for, recruiter):
    body = quote(client_for(recruiter), "0.0001").json()
    assert (body["ratio"], body["required_role"]) == ("0.00", "general_manager")


def test_it_refuses_an_unknown_category(client_for, recruiter):
    response = quote(client_for(recruiter), "5.00", category="casino")
    assert response.status_code == 400
    assert "category" in response.json()


def test_it_explains_in_english_when_asked(client_for, recruiter):
    response = quote(client_for(recruiter), "-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["prepaid_rate"] == ["Enter a rate from 0 to 100."]


def test_it_explains_in_chinese_by_default(client_for, recruiter):
    response = quote(client_for(recruiter), "100.01")
    assert "100" in response.json()["prepaid_rate"][0]
    assert "Enter" not in response.json()["prepaid_rate"][0]


def test_it_survives_a_non_object_body(client_for, recruiter):
    response = client_for(recruiter).post(URL, ["x"], format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert "standard_rate" not in response.json()


@pytest.mark.parametrize(
    "role_fixture",
    ["recruiter", "recruitment_head", "ops_director", "general_manager", "customer_service", "dept_head", "admin_user"],
)
def test_every_staff_role_may_use_it(request, client_for, role_fixture):
    response = quote(client_for(request.getfixturevalue(role_fixture)), "5.00")
    assert response.status_code == 200
    assert response.json() == {
        "standard_rate": "10.00",
        "ratio": "50.00",
        "required_role": "general_manager",
        "chain": ["recruitment_head", "ops_director", "general_manager"],
    }


def test_merchants_never_see_the_standard(client_for, merchant_user):
    response = quote(client_for(merchant_user), "5.00")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "standard_rate" not in response.json() and "10.00" not in str(response.json())


def test_anonymous_users_are_refused(api_client):
    response = quote(api_client, "5.00")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert "standard_rate" not in response.json()
