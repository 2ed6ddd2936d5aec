import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_it_issues_a_token_that_authenticates(api_client, recruiter, password):
    response = api_client.post(URL, {"username": recruiter.username, "password": password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api_client.get("/api/v1/notifications/")
    assert listed.status_code == 200
    assert set(listed.json()) >= {"count", "results"}


def test_each_login_is_a_token_of_its_own(api_client, recruiter, password):
    """One per login, so logging out of one client leaves the others (test_token_lifecycle)."""
    first = api_client.post(URL, {"username": recruiter.username, "password": password}, format="json").json()
    second = api_client.post(URL, {"username": recruiter.username, "password": password}, format="json").json()
    assert first["token"] != second["token"]


def test_it_refuses_a_wrong_password(api_client, recruiter):
    response = api_client.post(URL, {"username": recruiter.username, "password": "nope"}, format="json")
    assert response.status_code in (400, 401)
    assert "token" not in response.json()


def test_it_names_missing_fields(api_client):
    response = api_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


def test_it_refuses_inactive_users(api_client, recruiter, password):
    recruiter.is_active = False
    recruiter.save(update_fields=["is_active"])
    response = api_client.post(URL, {"username": recruiter.username, "password": password}, format="json")
    assert response.status_code in (400, 401)
    assert response.json()["code"] == "invalid_credentials" and "token" not in response.json()


def test_it_locks_out_after_repeated_failures(api_client, recruiter, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(URL, {"username": recruiter.username, "password": "wrong"}, format="json")
    # Even the right password is refused now, with a clear message.
    response = api_client.post(URL, {"username": recruiter.username, "password": password}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_the_lockout_is_per_username(api_client, recruiter, second_recruiter, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(URL, {"username": recruiter.username, "password": "wrong"}, format="json")
    response = api_client.post(URL, {"username": second_recruiter.username, "password": password}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_login_page_locks_out_too(client, recruiter, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": recruiter.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": recruiter.username, "password": password})
    assert response.status_code == 429
    assert "登录失败次数过多，请稍后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(api_client, recruiter, password, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            URL,
            {"username": recruiter.username, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = api_client.post(
        URL, {"username": recruiter.username, "password": password}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out" and "token" not in response.json()
