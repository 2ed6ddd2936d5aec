"""The API token's user and roles are read in one query (workplace.api.tokens), with DRF's
refusals, and nothing is kept between calls: a revoked token, a deactivated user or a
changed role counts from the next call."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories.workplace import make_user
from workplace.api.tokens import issue_token, token_user
from workplace.roles import roles_of

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due-date/"
QUERY = {"start": "2026-09-30", "working_days": 3}


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_it_reads_the_user_and_roles_in_one_query(recruiter, django_assert_num_queries):
    key, token = issue_token(recruiter)
    recruiter.groups.add(Group.objects.get_or_create(name="not-a-role")[0])
    with django_assert_num_queries(1):
        user, found = token_user(key)
        assert roles_of(user) == {"recruiter"}
    assert (user, found.pk, found.user) == (recruiter, token.pk, recruiter)
    assert found.expires_at == token.expires_at


def test_a_user_in_no_group_has_no_role(db):
    user = make_user("recruiter")
    user.groups.clear()
    key, _token = issue_token(user)
    response = client_with(key).get(DUE, QUERY)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_deleted_token_is_refused_by_the_next_call(recruiter):
    key, token = issue_token(recruiter)
    client = client_with(key)
    first = client.get(DUE, QUERY)
    assert (first.status_code, first.json()) == (200, {"due": "2026-10-10", "fallback": False})
    token.delete()
    response = client.get(DUE, QUERY)
    assert (response.status_code, response.json()) == (
        401,  # the token scheme comes first and sends its challenge
        {"detail": "Invalid token.", "code": "authentication_failed"},
    )


def test_a_deactivated_user_is_refused_by_the_next_call(recruiter):
    key, token = issue_token(recruiter)
    client = client_with(key)
    first = client.get(DUE, QUERY)
    assert (first.status_code, first.json()) == (200, {"due": "2026-10-10", "fallback": False})
    type(recruiter).objects.filter(pk=recruiter.pk).update(is_active=False)
    response = client.get(DUE, QUERY)
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "User inactive or deleted.", "code": "authentication_failed"},
    )


def test_a_role_taken_away_counts_from_the_next_call(recruiter):
    key, token = issue_token(recruiter)
    client = client_with(key)
    assert client.get(DUE, QUERY).json() == {"due": "2026-10-10", "fallback": False}
    recruiter.groups.clear()
    response = client.get(DUE, QUERY)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_an_unknown_token_is_refused_in_chinese_by_default(recruiter):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(DUE, QUERY)
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "认证令牌无效。", "code": "authentication_failed"},
    )
