"""API tokens have a lifetime, are stored as digests, and are revoked by their user (the
token list), by logging out with them and, all of a user's, by a password change."""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from workplace.api.tokens import issue_token
from workplace.models import ApiToken

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due-date/"
QUERY = {"start": "2026-09-30", "working_days": 3}
PASSWORD = "a-long-Password-1"


def with_key(key, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def log_in(user):
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)  # (a password change revokes the user's tokens)
        user.save()
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def test_login_issues_a_token_with_its_expiry_and_stores_only_a_digest(recruiter):
    body = log_in(recruiter)
    assert set(body) == {"token", "expires_at"}
    stored = ApiToken.objects.get(user=recruiter)
    assert stored.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {stored.digest, stored.prefix} and body["token"].startswith(stored.prefix)
    assert len(body["token"]) == 64
    lifetime = stored.expires_at - stored.created_at
    assert dt.timedelta(days=30) - dt.timedelta(seconds=5) < lifetime <= dt.timedelta(days=30, seconds=5)
    assert dt.datetime.fromisoformat(body["expires_at"]) == stored.expires_at
    assert with_key(body["token"]).get(DUE, QUERY).status_code == 200


def test_two_logins_are_two_tokens_both_valid(recruiter):
    first, second = log_in(recruiter)["token"], log_in(recruiter)["token"]
    assert first != second
    assert with_key(first).get(DUE, QUERY).status_code == 200
    assert with_key(second).get(DUE, QUERY).status_code == 200


@override_settings(API_TOKENS_PER_USER=3)
def test_a_user_keeps_at_most_the_configured_number_the_oldest_revoked(recruiter):
    keys = [issue_token(recruiter)[0] for _ in range(4)]
    assert ApiToken.objects.filter(user=recruiter).count() == 3
    assert with_key(keys[0]).get(DUE, QUERY).status_code == 401
    assert all(with_key(key).get(DUE, QUERY).status_code == 200 for key in keys[1:])


def test_an_expired_token_is_refused_with_its_own_message(recruiter):
    key, token = issue_token(recruiter)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = with_key(key).get(DUE, QUERY)
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert "expired" in response.json()["detail"]
    chinese = with_key(key, "zh-hans").get(DUE, QUERY).json()["detail"]
    assert "过期" in chinese


def test_a_token_one_second_from_expiry_still_works(recruiter):
    key, token = issue_token(recruiter)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=30))
    assert with_key(key).get(DUE, QUERY).status_code == 200


@override_settings(API_TOKEN_LIFETIME=dt.timedelta(hours=2))
def test_the_lifetime_is_a_setting(recruiter):
    _key, token = issue_token(recruiter)
    assert token.expires_at - token.created_at < dt.timedelta(hours=2, seconds=1)


def test_a_password_change_revokes_every_token_of_that_user_only(recruiter, second_recruiter):
    mine = [issue_token(recruiter)[0] for _ in range(2)]
    theirs = issue_token(second_recruiter)[0]
    recruiter.set_password("another-long-Password-2")
    recruiter.save()
    assert [with_key(key).get(DUE, QUERY).status_code for key in mine] == [401, 401]
    assert with_key(theirs).get(DUE, QUERY).status_code == 200


def test_a_password_change_in_the_browser_revokes_them(recruiter):
    key = log_in(recruiter)["token"]
    browser = Client()
    browser.force_login(recruiter)
    response = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Quite-another-9", "new_password2": "Quite-another-9"},
    )
    assert response.status_code == 302
    assert with_key(key).get(DUE, QUERY).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(recruiter, django_assert_num_queries):
    key, _token = issue_token(recruiter)
    recruiter.first_name = "Renamed"
    recruiter.save()
    get_user_model().objects.get(pk=recruiter.pk).save()
    assert with_key(key).get(DUE, QUERY).status_code == 200


def test_logout_revokes_the_token_it_is_made_with_only(recruiter):
    used, other = issue_token(recruiter)[0], issue_token(recruiter)[0]
    assert with_key(used).post("/api/v1/auth/logout/").status_code == 204
    assert with_key(used).get(DUE, QUERY).status_code == 401
    assert with_key(other).get(DUE, QUERY).status_code == 200


def test_logout_without_credentials_is_refused():
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_a_user_lists_their_own_tokens_never_a_key(recruiter, second_recruiter):
    current = issue_token(recruiter)[0]
    issue_token(recruiter)
    issue_token(second_recruiter)
    response = with_key(current).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert set(rows[0]) == {"id", "prefix", "created_at", "expires_at", "current"}
    assert [row["current"] for row in rows] == [False, True]  # newest first
    assert current not in response.content.decode()


def test_a_user_revokes_one_of_their_tokens(recruiter):
    current, other = issue_token(recruiter)[0], issue_token(recruiter)
    response = with_key(current).delete(f"/api/v1/auth/tokens/{other[1].pk}/")
    assert response.status_code == 204
    assert with_key(other[0]).get(DUE, QUERY).status_code == 401
    assert with_key(current).get(DUE, QUERY).status_code == 200


def test_another_users_token_is_not_found_and_stays(recruiter, merchant_user, other_merchant_user):
    mine = issue_token(merchant_user)[0]
    theirs_key, theirs = issue_token(other_merchant_user)
    assert with_key(mine).delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert with_key(mine).delete("/api/v1/auth/tokens/999999/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert with_key(theirs_key).get("/api/v1/auth/tokens/").status_code == 200


def test_the_token_list_needs_a_signed_in_user():
    assert APIClient().get("/api/v1/auth/tokens/").status_code == 401


def test_listing_tokens_costs_the_same_with_more_tokens(recruiter, queries):
    key = issue_token(recruiter)[0]
    client = with_key(key)
    queries.assert_constant(lambda: client.get("/api/v1/auth/tokens/"), lambda: issue_token(recruiter), expected=2)


def test_a_legacy_drf_token_is_carried_over_as_a_digest(recruiter):
    """What tokens were before (DRF's authtoken table, the key in clear): the migration
    keeps each working as a digest-only token with a lifetime and empties the old table."""
    import importlib

    from django.apps import apps
    from django.db import connection

    carry = importlib.import_module("workplace.migrations.0004_api_tokens").carry_legacy_tokens
    key = "a" * 40
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, created timestamp)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, recruiter.pk, timezone.now()])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    carry(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    token = ApiToken.objects.get(user=recruiter)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and token.expires_at > timezone.now()
    assert with_key(key).get(DUE, QUERY).status_code == 200


def browser_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["recruiter", "merchant_user", "general_manager", "admin_user"])
def test_each_user_sees_their_own_tokens_page_and_never_a_key(role, request, other_merchant_user):
    user = request.getfixturevalue(role)
    key, token = issue_token(user)
    other_key, other = issue_token(other_merchant_user)
    response = browser_for(user).get("/accounts/tokens/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "我的账户" in text and f"{token.prefix}…" in text
    assert key not in text and other.prefix not in text


def test_the_tokens_page_needs_a_login():
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_revoking_in_the_browser_and_another_users_token_is_not_found(merchant_user, other_merchant_user):
    key, token = issue_token(merchant_user)
    other_key, other = issue_token(other_merchant_user)
    browser = browser_for(merchant_user)
    assert browser.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    assert with_key(other_key).get("/api/v1/auth/tokens/").status_code == 200
    response = browser.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "令牌已吊销" in response.content.decode()
    assert with_key(key).get("/api/v1/auth/tokens/").status_code == 401
    assert browser.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405


def test_the_account_token_page_takes_a_fixed_number_of_queries(recruiter, queries):
    from django.test import Client

    browser = Client()
    browser.force_login(recruiter)
    browser.get("/accounts/tokens/")  # warm the session and the user's roles
    queries.assert_constant(lambda: browser.get("/accounts/tokens/"), lambda: issue_token(recruiter), expected=5)
