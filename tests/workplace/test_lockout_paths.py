"""Lockout per user + IP on every login path (issue 13): the login page, the back office's
login and the API token endpoint count failures together, lock the user at that address
only, and let the right password in again once the lockout is lifted."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def attempt(path: str, username: str, password: str, address: str = "192.0.2.10"):
    if path == "api":
        return APIClient(REMOTE_ADDR=address).post(
            "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
        )
    url = "/admin/login/" if path == "admin" else "/accounts/login/"
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password, "next": "/"})


def locked(response) -> bool:
    return response.status_code == 429


PATHS = ["page", "admin", "api"]


@pytest.mark.parametrize("path", PATHS)
def test_each_login_path_locks_out_after_the_failure_limit(path, recruiter, password, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert not locked(attempt(path, recruiter.username, "wrong"))
    # The failure that reaches the limit is answered with the lockout, and so is the right
    # password after it.
    assert locked(attempt(path, recruiter.username, "wrong"))
    assert locked(attempt(path, recruiter.username, password))


@pytest.mark.parametrize("path", PATHS)
def test_failures_on_the_other_paths_count_toward_this_one(path, recruiter, password, settings):
    others = [other for other in PATHS if other != path]
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(others[n % 2], recruiter.username, "wrong")
    assert locked(attempt(path, recruiter.username, password))


@pytest.mark.parametrize("path", PATHS)
def test_the_lockout_holds_the_user_at_that_address_only(path, recruiter, second_recruiter, password, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        attempt(path, recruiter.username, "wrong", address="192.0.2.10")
    # The same user from another address, and another user from the same address, get in.
    assert attempt(path, recruiter.username, password, address="198.51.100.20").status_code in (200, 302)
    assert attempt(path, second_recruiter.username, password, address="192.0.2.10").status_code in (200, 302)


def test_a_success_before_the_limit_resets_the_count(recruiter, password, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("page", recruiter.username, "wrong")
    assert attempt("page", recruiter.username, password).status_code == 302
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("api", recruiter.username, "wrong")
    assert attempt("api", recruiter.username, password).status_code == 200


def test_an_admin_lifting_the_lockout_lets_the_user_in(recruiter, password, settings):
    from axes.utils import reset

    for _n in range(settings.AXES_FAILURE_LIMIT):
        attempt("admin", recruiter.username, "wrong")
    assert locked(attempt("page", recruiter.username, password))
    reset(username=recruiter.username)
    assert attempt("page", recruiter.username, password).status_code == 302
