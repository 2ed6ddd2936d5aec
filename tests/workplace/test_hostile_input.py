"""Inputs that answered 500 (issue 7): each is a 400 naming the problem, on every JSON
endpoint (the four below stand for them) and at every login."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.factories.commissions import make_merchant
from tests.factories.merchants import ApplicationFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "applications create": ("/api/v1/applications/", "merchant"),
    "rate-requests create": ("/api/v1/rate-requests/", "recruiter"),
    "scoring calculate": ("/api/v1/scoring/calculate/", "recruiter"),
    "commissions quote": ("/api/v1/commissions/quote/", "recruiter"),
}

# A choice field of each endpoint, to carry the lone surrogate.
CHOICE_FIELD = {
    "applications create": "entity_type",
    "rate-requests create": "kind",
    "scoring calculate": "decoration",
    "commissions quote": "category",
}


@pytest.fixture
def post(request, client_for):
    def send(endpoint, body):
        url, role = ENDPOINTS[endpoint]
        user = request.getfixturevalue("merchant_user" if role == "merchant" else "recruiter")
        api = client_for(user)
        api.raise_request_exception = False
        return api.post(url, body, content_type="application/json")

    return send


@pytest.fixture(autouse=True)
def _no_throttle_history():
    cache.clear()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_refuses_a_body_nested_thousands_of_levels_deep(post, endpoint):
    response = post(endpoint, "[" * 5000 + "]" * 5000)

    assert response.status_code == 400
    assert response.json() == {"detail": "请求正文嵌套过深（超过 32 层）。", "code": "too_deep"}


@pytest.mark.parametrize(
    "endpoint",
    [
        "applications create",
        "rate-requests create",
        "scoring calculate",
        "commissions quote",
    ],
)
def test_it_refuses_a_body_nested_deeper_than_the_decoder_notices(post, endpoint):
    body = '{"category": ' + "[" * 200 + "]" * 200 + "}"

    response = post(endpoint, body)

    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_it_still_reads_a_body_with_many_brackets_that_is_not_deep(post):
    # 81 brackets, but a list of 40 small lists is only 3 levels deep.
    body = '{"category": "dining_entertainment", "prepaid_rate": "5.00", "x": [' + ",".join(["[[]]"] * 40) + "]}"

    response = post("commissions quote", body)

    assert response.status_code == 200
    assert response.json()["standard_rate"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_refuses_a_lone_surrogate_in_a_choice_field_by_name(post, endpoint):
    field = CHOICE_FIELD[endpoint]

    response = post(endpoint, '{"' + field + '": "\\ud800"}')

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


@pytest.mark.parametrize("endpoint", ["rate-requests create", "scoring calculate", "commissions quote"])
def test_it_says_what_is_wrong_with_a_lone_surrogate(post, endpoint):
    field = CHOICE_FIELD[endpoint]

    response = post(endpoint, '{"' + field + '": "x\\udfffy"}')

    assert response.json()[field] == ["包含无效字符（不成对的代理码位）。"]


def test_it_refuses_a_lone_surrogate_in_free_text_by_name(post, recruiter):
    merchant = make_merchant(recruiter)
    body = f'{{"merchant": {merchant.pk}, "prepaid_rate": "5.00", "reason": "\\ud800"}}'

    response = post("rate-requests create", body)

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


def test_it_accepts_a_character_written_as_a_surrogate_pair(post, recruiter):
    merchant = make_merchant(recruiter)
    body = f'{{"merchant": {merchant.pk}, "prepaid_rate": "5.00", "reason": "\\ud83d\\ude00 大客户"}}'

    response = post("rate-requests create", body)

    assert response.status_code == 201
    assert response.json()["reason"] == "\U0001f600 大客户"


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("rate-requests create", '{"merchant": 1e309, "prepaid_rate": "5.00", "reason": "x"}', "merchant"),
        ("rate-requests create", '{"merchant": 1, "prepaid_rate": 1e309, "reason": "x"}', "prepaid_rate"),
        ("scoring calculate", '{"brand": 1e309}', "brand"),
        ("scoring calculate", '{"staff_count": -1e309}', "staff_count"),
        ("commissions quote", '{"category": "dining_entertainment", "prepaid_rate": 1e309}', "prepaid_rate"),
    ],
)
def test_it_refuses_a_number_beyond_a_float_by_name(post, endpoint, body, field):
    response = post(endpoint, body)

    assert response.status_code == 400
    assert field in response.json()


def test_it_refuses_a_number_beyond_a_float_as_a_primary_key_by_name(client_for, recruiter):
    # Was a 500: OverflowError from the model serializer's PrimaryKeyRelatedField (int(inf)).
    api = client_for(recruiter)
    api.raise_request_exception = False
    body = '{"merchant": 1e309, "serial": "POS1", "installed_on": "2026-01-05"}'

    response = api.post("/api/v1/terminals/", body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["merchant"]


def test_it_refuses_a_number_beyond_a_float_as_the_assignee(client_for, recruitment_head, recruiter):
    # Was a 500: OverflowError from PrimaryKeyRelatedField (int(inf)).
    application = ApplicationFactory(status="submitted")
    api = client_for(recruitment_head)
    api.raise_request_exception = False

    response = api.post(
        f"/api/v1/applications/{application.pk}/assign/", '{"recruiter": 1e309}', content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["recruiter"]


# --- logins ------------------------------------------------------------------------------

LONG = "a" * 256


def test_the_token_endpoint_refuses_an_over_long_username_by_name(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": LONG, "password": "x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["请确保这个字段不能超过 150 个字符。"]}


def test_the_login_page_refuses_an_over_long_username_with_a_message(client):
    response = client.post("/accounts/login/", {"username": LONG, "password": "x"})

    assert response.status_code == 200
    assert "用户名最多 150 个字符。" in response.content.decode()


def test_the_admin_login_refuses_an_over_long_username_with_a_message(client):
    response = client.post("/admin/login/", {"username": LONG, "password": "x"})

    assert response.status_code == 200
    assert "用户名最多 150 个字符。" in response.content.decode()


def test_an_over_long_username_is_not_recorded_as_a_failed_login(client, api_client):
    from axes.models import AccessAttempt, AccessFailureLog

    client.post("/accounts/login/", {"username": "b" * 1000, "password": "x"})
    api_client.post("/api/v1/auth/token/", {"username": "b" * 1000, "password": "x"}, format="json")

    assert AccessAttempt.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0


def test_a_username_of_the_longest_allowed_length_still_logs_in(client, password):
    user = get_user_model().objects.create_user(username="u" * 150, password=password)

    response = client.post("/accounts/login/", {"username": user.username, "password": password})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(user.pk)
