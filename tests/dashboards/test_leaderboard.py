"""The recruiter leaderboard (issue 10 §2): signings in the period, points exactly as
SPEC.md §5.1 counts them (class at signing I +4, II +2, III +1; good review +0.5; valid
complaint −0.5), quota attainment against the plan, rank among everyone; rows scoped by
role."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from complaints.models import PointEvent
from plans.models import Plan, Quota, Region
from tests.dashboards.builders import at, complaint, merchant_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboards/leaderboard/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def sign(recruiter, merchant_class, day="2026-10-12"):
    return merchant_of(
        recruiter, status="active", signed_at=at(day), signing_recruiter=recruiter, signed_class=merchant_class
    )


@pytest.fixture
def world(recruiter, second_recruiter, outside_recruiter, customer_service):
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    Region.objects.create(name="颍州区", code="341202", kind="district", parent=city)
    plan = Plan.objects.create(
        name="十月计划", region=city, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31)
    )
    Quota.objects.create(plan=plan, recruiter=recruiter, count=4)
    Quota.objects.create(plan=plan, recruiter=second_recruiter, count=3)
    sign(recruiter, "I")
    sign(recruiter, "II")
    sign(second_recruiter, "III")
    sign(second_recruiter, "III")
    sign(outside_recruiter, "II")
    sign(recruiter, "I", day="2026-09-30")  # September's: not October's
    good = merchant_of(recruiter)
    PointEvent.objects.create(
        merchant=good,
        note="顾客表扬",
        logged_by=customer_service,
        recruiter=recruiter,
        kind="good_review",
        points="0.5",
        month=dt.date(2026, 10, 1),
        occurred_at=at("2026-10-14"),
    )
    valid = complaint(second_recruiter, cs=customer_service, received=at("2026-10-09"))
    PointEvent.objects.create(
        complaint=valid,
        recruiter=second_recruiter,
        kind="valid_complaint",
        points="-0.5",
        month=dt.date(2026, 10, 1),
        occurred_at=at("2026-10-15"),
    )
    return plan


def rows(client_for, user, **params):
    response = client_for(user).get(URL, {**OCTOBER, **params})
    assert response.status_code == 200, response.content
    return {row["username"]: row for row in response.json()}


def test_points_are_counted_as_the_monthly_pay_counts_them(client_for, world, general_manager):
    board = rows(client_for, general_manager)

    first = board["recruiter"]
    assert (first["signings"], first["signing_points"], first["service_points"], first["points"]) == (
        2,
        "6.00",
        "0.50",
        "6.50",
    )
    assert (first["quota"], first["quota_signed"], first["attainment"], first["rank"]) == (4, 2, "50.00", 1)
    second = board["recruiter_b"]
    assert (second["signings"], second["points"], second["attainment"], second["rank"]) == (2, "1.50", "66.67", 3)
    outside = board["recruiter_east"]
    # No quota: the plan shows their signings against a target of 0.
    assert (outside["points"], outside["quota"], outside["attainment"], outside["rank"]) == ("2.00", 0, None, 2)
    assert board["head"]["points"] == "0.00"


def test_a_recruiter_sees_their_own_row_and_rank(client_for, world, second_recruiter):
    board = rows(client_for, second_recruiter)

    assert list(board) == ["recruiter_b"]
    assert board["recruiter_b"]["rank"] == 3


def test_a_head_sees_their_department(client_for, world, recruitment_head):
    assert sorted(rows(client_for, recruitment_head)) == ["head", "recruiter", "recruiter_b"]


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user"])
def test_the_company_wide_see_everyone(client_for, world, request, role):
    assert {"head", "head_east", "recruiter", "recruiter_b", "recruiter_east"} <= set(
        rows(client_for, request.getfixturevalue(role))
    )


def test_one_recruiter_can_be_chosen(client_for, world, general_manager, second_recruiter):
    assert list(rows(client_for, general_manager, recruiter=second_recruiter.pk)) == ["recruiter_b"]


def test_a_recruiter_may_not_choose_a_colleague(client_for, world, recruiter, second_recruiter):
    response = client_for(recruiter).get(URL, {"recruiter": second_recruiter.pk}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["recruiter"] == ["You may filter only by yourself."]


@pytest.mark.parametrize(("params", "field"), [({"plan": "x"}, "plan"), ({"from": "2026-13-01"}, "from")])
def test_bad_values_are_named(client_for, general_manager, params, field):
    response = client_for(general_manager).get(URL, params)

    assert response.status_code == 400
    assert list(response.json())[0] == field


def test_merchants_see_no_leaderboard(client_for, merchant_user):
    assert client_for(merchant_user).get(URL).status_code == 403


def test_the_page_shows_the_table_and_chart(world, general_manager, recruiter):
    client = Client()
    client.force_login(general_manager)
    html = client.get("/dashboards/", OCTOBER, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    body = re.search(r'<table[^>]*id="table-leaderboard".*?</table>', html, re.S).group(0)
    line = re.search(rf'<tr data-recruiter="{recruiter.pk}">(.*?)</tr>', body, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
    assert cells[0] == "1"
    assert cells[2:] == ["2", "6.00", "0.50", "6.50", "4", "50.00 %"]
    assert 'data-chart="leaderboard"' in html
    chinese = client.get("/dashboards/", OCTOBER, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "招商业务人员排行榜" in chinese


def test_the_signings_link_to_their_merchants(world, general_manager, recruiter):
    client = Client()
    client.force_login(general_manager)
    response = client.get("/dashboards/records/merchants-signed/", {**OCTOBER, "recruiter": recruiter.pk})

    # The records page counts the merchants the recruiter owns and signed in October.
    assert 'data-total="2"' in response.content.decode()


def test_the_leaderboard_takes_a_fixed_number_of_queries(
    client_for, world, recruiter, second_recruiter, general_manager, queries
):
    client = client_for(general_manager)

    def grow():
        sign(recruiter, "II")
        sign(second_recruiter, "I")

    client.get(URL, OCTOBER)
    queries.assert_constant(lambda: client.get(URL, OCTOBER), grow, expected=14)
