import datetime as dt

import pytest
import time_machine

from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import decided

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboards/summary/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approvals(recruiter, second_recruiter, outside_recruiter):
    """Approvals in October: 1 of the recruiter, 2 of a colleague, 4 of another department."""
    for user, count in ((recruiter, 1), (second_recruiter, 2), (outside_recruiter, 4)):
        for _ in range(count):
            decided(user, A.APPROVED, "2026-10-12")


def approved_seen_by(client_for, user):
    response = client_for(user).get(URL, OCTOBER)
    assert response.status_code == 200, response.content
    return response.json()["funnel"]["approved"]


def test_it_shows_a_recruiter_their_own(client_for, approvals, recruiter):
    assert approved_seen_by(client_for, recruiter) == 1


def test_it_shows_a_head_their_department(client_for, approvals, recruitment_head):
    assert approved_seen_by(client_for, recruitment_head) == 3


def test_it_shows_another_head_only_their_department(client_for, approvals, outside_head):
    assert approved_seen_by(client_for, outside_head) == 4


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user"])
def test_it_shows_the_company_wide_levels_everything(client_for, approvals, request, role):
    assert approved_seen_by(client_for, request.getfixturevalue(role)) == 7


def test_it_refuses_a_merchant(client_for, approvals, merchant_user):
    response = client_for(merchant_user).get(URL, OCTOBER)

    assert response.status_code == 403
    assert "detail" in response.json()


def test_it_refuses_the_anonymous(api_client):
    assert api_client.get(URL, OCTOBER).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01", "to": "2026-10-31"}, "from"),
        ({"from": "2026-10-01", "to": "31.10.2026"}, "to"),
        ({"from": "20261001"}, "from"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-10-31"}, "to"),
        ({"from": "0001-01-01", "to": "2026-10-31"}, "from"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "\x00"}, "from"),
    ],
)
def test_it_refuses_a_bad_period_naming_the_field(client_for, general_manager, params, field):
    response = client_for(general_manager).get(URL, params)

    assert response.status_code == 400
    assert list(response.json())[0] == field


def test_it_names_the_fault_in_the_readers_language(client_for, general_manager):
    client = client_for(general_manager)

    chinese = client.get(URL, {"from": "2026-10-31", "to": "2026-10-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = client.get(URL, {"from": "2026-10-31", "to": "2026-10-01"}, HTTP_ACCEPT_LANGUAGE="en").json()

    assert english["from"] == ["The start date must not be after the end date."]
    assert chinese["from"] != english["from"]


def test_it_takes_a_bounded_number_of_queries(client_for, general_manager, recruiter, queries):
    from tests.dashboards.builders import at, complaint, merchant_of, rate_request
    from tests.factories.workplace import make_user

    cs = make_user("customer_service")
    client = client_for(general_manager)

    def grow():
        decided(recruiter, A.APPROVED, "2026-10-12", submitted="2026-09-30")
        decided(recruiter, A.REJECTED, "2026-10-13")
        complaint(recruiter, cs=cs, received=at("2026-10-09"), status="closed", closed_at=at("2026-10-16"))
        merchant_of(recruiter, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-10-08"))
        rate_request(recruiter, created=at("2026-10-12", 9), status="approved", closed=at("2026-10-12", 13))

    grow()
    client.get(URL, OCTOBER)  # the calendar's cache warmed: later reads issue no query
    queries.assert_constant(lambda: client.get(URL, OCTOBER), grow, expected=8)
