"""The merchant filter never tells whether a merchant exists outside one's scope: an id
outside it and an id that does not exist answer the same."""

import pytest

from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/rate-requests/", "/api/v1/merchant-rates/"])
def test_an_outsiders_merchant_and_a_missing_one_answer_alike(client_for, recruiter, outside_recruiter, path):
    theirs = make_merchant(outside_recruiter)
    make_request(outside_recruiter, "9.00", merchant=theirs)
    mine = make_request(recruiter, "9.00")
    client = client_for(recruiter)
    outside = client.get(path, {"merchant": theirs.pk})
    missing = client.get(path, {"merchant": 987654321})
    assert (outside.status_code, outside.json()) == (missing.status_code, missing.json())
    assert (outside.status_code, outside.json()["count"], outside.json()["results"]) == (200, 0, [])
    own = client.get(path, {"merchant": mine.merchant_id}).json()
    assert own["count"] == 1


@pytest.mark.parametrize("value", ["x", "1.5", "1e309"])
def test_a_merchant_filter_that_is_not_an_id_names_the_field(client_for, recruiter, value):
    response = client_for(recruiter).get("/api/v1/rate-requests/", {"merchant": value})
    assert response.status_code == 400
    assert list(response.json()) == ["merchant"]
