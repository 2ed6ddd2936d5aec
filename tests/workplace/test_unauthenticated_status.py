"""Who is not signed in gets 401 with the token challenge; who is signed in but may not,
403 (RFC 9110: 401 means "authenticate", 403 "you may not")."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/merchants/", "/api/v1/complaints/", "/api/v1/settlements/"])
def test_no_credentials_is_a_401_with_the_token_challenge(path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_token_is_a_401():
    response = APIClient().get("/api/v1/merchants/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] in ("authentication_failed", "not_authenticated")


def test_a_signed_in_caller_without_the_right_is_a_403(client_for, merchant_user):
    response = client_for(merchant_user).get("/api/v1/payroll-runs/")
    assert response.status_code == 403


def test_a_session_still_authenticates_the_api(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/api/v1/merchants/").status_code == 200


def test_a_session_write_without_the_csrf_token_is_refused(recruiter):
    from django.test import Client

    web = Client(enforce_csrf_checks=True)
    web.force_login(recruiter)
    response = web.post("/api/v1/notifications/mark-read/", {}, content_type="application/json")
    assert response.status_code == 403
