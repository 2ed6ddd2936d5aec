"""The load run's bare view (bench/urls.py): the same token auth and middleware as the
calculators and nothing else — one query, a constant answer, refused without a token."""

import pytest
from rest_framework.test import APIClient

from workplace.api.tokens import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/bench/bare/"


@pytest.fixture(autouse=True)
def _bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_it_answers_a_token_with_one_query(recruiter, django_assert_num_queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(recruiter)[0]}")
    with django_assert_num_queries(1):
        response = client.post(URL, {}, format="json")
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_it_refuses_an_anonymous_call():
    response = APIClient().post(URL, {}, format="json")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_the_product_has_no_bare_view(settings, recruiter):
    settings.ROOT_URLCONF = "config.urls"
    client = APIClient()
    client.force_authenticate(recruiter)
    response = client.post(URL, {}, format="json")
    assert response.status_code == 404
    assert b'"ok"' not in response.content
