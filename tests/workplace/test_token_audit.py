"""Changes made through the API with a token are audited with their user as the actor,
and from the client's address by the trusted-proxy rule, as a session's are."""

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from merchants.models import Application
from tests.merchants.test_api_applications import PROFILE
from workplace.api.tokens import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"


@pytest.fixture
def token_client(merchant_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(merchant_user)[0]}")
    return client


def _created_entry(response):
    assert response.status_code == 201, response.json()
    application = Application.objects.get(pk=response.json()["id"])
    return LogEntry.objects.get_for_object(application).get(action=LogEntry.Action.CREATE)


def test_it_names_the_token_user_as_the_actor(token_client, merchant_user):
    entry = _created_entry(token_client.post(URL, PROFILE, format="json", REMOTE_ADDR="10.1.2.3"))
    assert entry.actor == merchant_user
    assert entry.remote_addr == "10.1.2.3"


def test_every_change_of_the_request_has_the_actor(token_client, merchant_user):
    response = token_client.post(URL, PROFILE, format="json")
    assert response.status_code == 201, response.json()
    merchant = Application.objects.get(pk=response.json()["id"]).merchant
    entries = LogEntry.objects.get_for_object(merchant)
    assert entries.exists()
    assert {entry.actor for entry in entries} == {merchant_user}


def test_a_forwarded_for_is_ignored_without_a_trusted_proxy(token_client, merchant_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    entry = _created_entry(
        token_client.post(URL, PROFILE, format="json", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.5")
    )
    assert (entry.actor, entry.remote_addr) == (merchant_user, "10.1.2.3")


def test_behind_one_proxy_the_right_most_address_is_recorded(token_client, merchant_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    entry = _created_entry(
        token_client.post(
            URL, PROFILE, format="json", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
        )
    )
    assert (entry.actor, entry.remote_addr) == (merchant_user, "203.0.113.5")


def test_a_refused_token_writes_nothing(merchant_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.post(URL, PROFILE, format="json")
    # 401 with the token challenge: token authentication comes first.
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not Application.objects.exists()
    assert not LogEntry.objects.filter(action=LogEntry.Action.CREATE, content_type__model="application").exists()
