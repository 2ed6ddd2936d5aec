"""The leaderboard honours every filter of the page (issue 10 §2): region, category and
segment narrow the signings and the service points (a point's merchant or its complaint's
merchant), rank is taken over the narrowed figures, the quota and its attainment stay the
plan's; the API and the page alike."""

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


def sign(recruiter, merchant_class, *, district, category, segment):
    return merchant_of(
        recruiter,
        status="active",
        signed_at=at("2026-10-12"),
        signing_recruiter=recruiter,
        signed_class=merchant_class,
        district=district,
        category=category,
        segment=segment,
    )


@pytest.fixture
def world(recruiter, second_recruiter, customer_service):
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    yingzhou = Region.objects.create(name="颍州区", code="341202", kind="district", parent=city)
    Region.objects.create(name="颍东区", code="341203", kind="district", parent=city)
    plan = Plan.objects.create(
        name="十月计划", region=city, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31)
    )
    Quota.objects.create(plan=plan, recruiter=recruiter, count=4)
    Quota.objects.create(plan=plan, recruiter=second_recruiter, count=2)
    # recruiter: I in 颍州区 (supermarket, supermarket), II in 颍东区 (dining, featured).
    first = sign(recruiter, "I", district="颍州区", category="supermarket", segment="supermarket")
    sign(recruiter, "II", district="颍东区", category="dining_entertainment", segment="featured")
    # second_recruiter: III and III in 颍州区 (dining, basic).
    sign(second_recruiter, "III", district="颍州区", category="dining_entertainment", segment="basic")
    other = sign(second_recruiter, "III", district="颍州区", category="dining_entertainment", segment="basic")
    # A good review about recruiter's 颍州区 merchant; a valid complaint against a 颍东区 one.
    PointEvent.objects.create(
        merchant=first,
        note="顾客表扬",
        logged_by=customer_service,
        recruiter=recruiter,
        kind="good_review",
        points="0.5",
        month=dt.date(2026, 10, 1),
        occurred_at=at("2026-10-14"),
    )
    against = complaint(recruiter, cs=customer_service, received=at("2026-10-09"))
    against.merchant.district = "颍东区"
    against.merchant.save(update_fields=["district"])
    PointEvent.objects.create(
        complaint=against,
        recruiter=recruiter,
        kind="valid_complaint",
        points="-0.5",
        month=dt.date(2026, 10, 1),
        occurred_at=at("2026-10-15"),
    )
    PointEvent.objects.create(
        merchant=other,
        note="服务好",
        logged_by=customer_service,
        recruiter=second_recruiter,
        kind="good_review",
        points="0.5",
        month=dt.date(2026, 10, 1),
        occurred_at=at("2026-10-16"),
    )
    return {"plan": plan, "yingzhou": yingzhou, "city": city}


def board(client_for, user, **params):
    response = client_for(user).get(URL, {**OCTOBER, **params})
    assert response.status_code == 200, response.content
    return {
        row["username"]: (row["signings"], row["signing_points"], row["service_points"], row["points"], row["rank"])
        for row in response.json()
        if row["username"] in ("recruiter", "recruiter_b")
    }


def test_unfiltered(client_for, world, general_manager):
    assert board(client_for, general_manager) == {
        "recruiter": (2, "6.00", "0.00", "6.00", 1),
        "recruiter_b": (2, "2.00", "0.50", "2.50", 2),
    }


def test_region_narrows_signings_and_service_points(client_for, world, general_manager):
    assert board(client_for, general_manager, region=world["yingzhou"].pk) == {
        "recruiter": (1, "4.00", "0.50", "4.50", 1),
        "recruiter_b": (2, "2.00", "0.50", "2.50", 2),
    }


def test_a_city_region_keeps_its_districts(client_for, world, general_manager):
    assert board(client_for, general_manager, region=world["city"].pk) == board(client_for, general_manager)


def test_category_narrows_and_reranks(client_for, world, general_manager):
    # recruiter: only the II (dining) signing; the complaint's merchant is not dining.
    assert board(client_for, general_manager, category="dining_entertainment") == {
        "recruiter_b": (2, "2.00", "0.50", "2.50", 1),
        "recruiter": (1, "2.00", "0.00", "2.00", 2),
    }


def test_segment_narrows(client_for, world, general_manager):
    assert board(client_for, general_manager, segment="supermarket") == {
        "recruiter": (1, "4.00", "0.50", "4.50", 1),
        "recruiter_b": (0, "0.00", "0.00", "0.00", 2),
    }


def test_filters_combine_and_quota_stays_the_plans(client_for, world, general_manager, second_recruiter):
    response = client_for(general_manager).get(
        URL,
        {**OCTOBER, "region": world["yingzhou"].pk, "segment": "basic", "recruiter": second_recruiter.pk},
    )
    assert response.status_code == 200
    [row] = response.json()
    assert (row["username"], row["signings"], row["points"]) == ("recruiter_b", 2, "2.50")
    assert (row["quota"], row["quota_signed"], row["attainment"]) == (2, 2, "100.00")


def test_a_bad_filter_is_named(client_for, world, general_manager):
    response = client_for(general_manager).get(URL, {**OCTOBER, "segment": "nonsense"})
    assert response.status_code == 400
    assert list(response.json())[0] == "segment"


def test_the_page_applies_the_filters_to_the_leaderboard(world, general_manager, recruiter):
    client = Client()
    client.force_login(general_manager)
    html = client.get("/dashboards/", {**OCTOBER, "region": world["yingzhou"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    body = re.search(r'<table[^>]*id="table-leaderboard".*?</table>', html.content.decode(), re.S).group(0)
    line = re.search(rf'<tr data-recruiter="{recruiter.pk}">(.*?)</tr>', body, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
    assert cells[2:] == ["1", "4.00", "0.50", "4.50", "4", "50.00 %"]
