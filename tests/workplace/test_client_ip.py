"""One trusted-proxy rule (workplace.network.client_ip) for the login throttle, the lockout
and the audit trail: no trusted proxy, REMOTE_ADDR; N proxies, the Nth from the right."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.request import Request

from workplace.api.views import LoginThrottle
from workplace.models import Department
from workplace.network import client_ip

URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _no_throttle_history():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trusted_proxies(settings):
    """``trusted_proxies(n)``: the deployment says n proxies stand in front, as
    TRUSTED_PROXY_COUNT sets both the rule's count and DRF's NUM_PROXIES in base.py."""

    def configure(count):
        settings.TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return configure


@pytest.fixture
def low_login_rate(monkeypatch):
    # DRF reads the rates once, at import; three a minute keeps the test short.
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {"login": "3/min"})


def _request(forwarded=None, remote="10.0.0.9"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


CASES = [
    # (proxies, X-Forwarded-For, expected)
    (0, None, "10.0.0.9"),
    (0, "203.0.113.5", "10.0.0.9"),
    (0, "198.51.100.1, 203.0.113.5", "10.0.0.9"),
    (1, None, "10.0.0.9"),
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
    (1, "198.51.100.1,203.0.113.5:4711", "203.0.113.5"),
    (1, "198.51.100.1, [2001:db8::1]:443", "2001:db8::1"),
    (1, "198.51.100.1, not-an-address", "10.0.0.9"),
    (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
    (2, "203.0.113.5", "203.0.113.5"),
]


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), CASES)
def test_it_takes_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


# DRF's throttle applies the rule itself (NUM_PROXIES); it only keeps what a proxy of ours
# would never write (a port, a non-address), so those cases are left out here.
PLAIN_CASES = [
    case
    for case in CASES
    if case[1] is None or ("not-an" not in case[1] and "]" not in case[1] and ":4711" not in case[1])
]


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), PLAIN_CASES)
def test_the_throttle_keys_on_the_same_address(trusted_proxies, proxies, forwarded, expected):
    trusted_proxies(proxies)
    assert LoginThrottle().get_ident(Request(_request(forwarded))) == expected


@pytest.mark.django_db
def test_a_new_forwarded_for_each_time_is_still_throttled(api_client, low_login_rate):
    statuses = []
    for attempt in range(4):
        response = api_client.post(
            URL,
            {"username": f"nobody{attempt}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        statuses.append(response.status_code)
    assert statuses == [400, 400, 400, 429]
    assert response.json()["code"] == "throttled"


@pytest.mark.django_db
def test_behind_one_proxy_the_throttle_counts_the_right_most_address(api_client, trusted_proxies, low_login_rate):
    trusted_proxies(1)
    for attempt in range(3):
        api_client.post(
            URL,
            {"username": f"nobody{attempt}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5",
        )
    # Another client behind the same proxy is not held back by the first one's requests...
    other = api_client.post(
        URL, {"username": "nobody", "password": "wrong"}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other.status_code == 400
    assert other.json()["code"] == "invalid_credentials"
    # ...while the first one, whatever it writes to the left, is.
    again = api_client.post(
        URL, {"username": "nobody", "password": "wrong"}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
    )
    assert again.status_code == 429
    assert again.json()["code"] == "throttled"


@pytest.mark.django_db
def test_behind_one_proxy_the_lockout_keys_on_the_right_most_address(api_client, recruiter, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            URL,
            {"username": recruiter.username, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5",
        )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]
    locked = api_client.post(
        URL,
        {"username": recruiter.username, "password": password},
        format="json",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5",
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # The same user from another address behind the proxy is not locked out (carrier NAT).
    elsewhere = api_client.post(
        URL, {"username": recruiter.username, "password": password}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert elsewhere.status_code == 200
    assert "token" in elsewhere.json()


@pytest.mark.django_db
def test_without_a_proxy_the_lockout_records_the_connection_address(api_client, recruiter, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    api_client.post(
        URL,
        {"username": recruiter.username, "password": "wrong"},
        format="json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.1.2.3"]


def _add_department(client, code, **headers):
    response = client.post("/admin/workplace/department/add/", {"code": code, "name": "审计部"}, **headers)
    assert response.status_code == 302, response.content
    return LogEntry.objects.get_for_object(Department.objects.get(code=code)).get()


@pytest.mark.django_db
def test_the_audit_trail_ignores_a_forwarded_for_without_a_trusted_proxy(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(admin_user)
    entry = _add_department(
        client, "audit", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.5", HTTP_X_FORWARDED_PORT="1234"
    )
    assert (entry.remote_addr, entry.remote_port, entry.actor) == ("10.1.2.3", None, admin_user)


@pytest.mark.django_db
def test_behind_one_proxy_the_audit_trail_records_the_right_most_address(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(admin_user)
    entry = _add_department(client, "audit", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert (entry.remote_addr, entry.actor) == ("203.0.113.5", admin_user)


@pytest.mark.django_db
def test_a_malformed_forwarded_for_never_breaks_the_audit_trail(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(admin_user)
    entry = _add_department(client, "audit", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown")
    assert entry.remote_addr == "10.0.0.2"
