"""GET /api/v1/plans/{id}/progress/ on hand-built data: each figure, the gaps, the days at
the edges of the plan and its phases (read in Shanghai time), and the query count."""

import datetime as dt

import pytest

from merchants.models import Category, Segment
from plans.models import Phase, Quota
from tests.factories.merchants import MerchantFactory
from tests.factories.workplace import make_user

from .conftest import EN, signed

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def signings(plan, recruiter, second_recruiter, outside_recruiter):
    # In phase 1 (20 April–31 May, the urban districts).
    signed(recruiter, D(2026, 5, 1))
    signed(recruiter, D(2026, 5, 2))
    signed(
        recruiter,
        D(2026, 5, 31),
        district="颍东区",
        segment=Segment.SUPERMARKET,
        category=Category.SUPERMARKET,
        hour=23,
    )
    # Ten past midnight on 1 June in Shanghai (still 31 May in UTC): after phase 1.
    signed(
        recruiter,
        D(2026, 6, 1),
        district="颍东区",
        segment=Segment.FEATURED,
        category=Category.DINING_ENTERTAINMENT,
        hour=0,
    )
    # The day before Taihe's phase (from 1 August), then its first day.
    signed(second_recruiter, D(2026, 7, 31), district="太和县", hour=23)
    signed(second_recruiter, D(2026, 8, 1), district="太和县", hour=0)
    # The day before the plan, then one inside it.
    signed(outside_recruiter, D(2026, 4, 19), hour=23)
    signed(outside_recruiter, D(2026, 10, 10))
    # Outside the plan's region; and a prospect in Yingquan (never signed).
    signed(recruiter, D(2026, 10, 10), district="蜀山区")
    MerchantFactory(district="颍泉区", recruiter=recruiter)


def progress(client_for, user, plan):
    response = client_for(user).get(f"/api/v1/plans/{plan.pk}/progress/", **EN)
    assert response.status_code == 200, response.json()
    return response.json()


def test_it_counts_the_plan_by_segment(client_for, general_manager, plan, signings):
    body = progress(client_for, general_manager, plan)
    assert body["total"] == {"target": 60, "signed": 7, "attainment": "11.67"}
    assert body["segments"] == [
        {"segment": "supermarket", "target": 10, "signed": 1, "attainment": "10.00"},
        {"segment": "featured", "target": 20, "signed": 1, "attainment": "5.00"},
        {"segment": "basic", "target": 30, "signed": 5, "attainment": "16.67"},
    ]
    assert body["period"] == {"starts_on": "2026-04-20", "ends_on": "2026-12-31"}


def test_it_counts_by_category_with_no_target_as_null(client_for, general_manager, plan, signings):
    categories = {row["category"]: row for row in progress(client_for, general_manager, plan)["categories"]}
    assert categories["life_services"] == {"category": "life_services", "target": 0, "signed": 5, "attainment": None}
    assert categories["supermarket"]["signed"] == 1
    assert categories["dining_entertainment"]["signed"] == 1
    assert categories["beauty_hair"] == {"category": "beauty_hair", "target": 0, "signed": 0, "attainment": None}


def test_it_counts_a_category_target(client_for, general_manager, plan, signings):
    plan.targets.create(segment=Segment.FEATURED, category=Category.DINING_ENTERTAINMENT, count=3)
    body = progress(client_for, general_manager, plan)
    categories = {row["category"]: row for row in body["categories"]}
    assert categories["dining_entertainment"] == {
        "category": "dining_entertainment",
        "target": 3,
        "signed": 1,
        "attainment": "33.33",
    }
    assert body["segments"][1] == {"segment": "featured", "target": 23, "signed": 1, "attainment": "4.35"}


def test_it_counts_each_district_and_names_the_gaps(client_for, general_manager, plan, signings, fuyang):
    body = progress(client_for, general_manager, plan)
    districts = {row["name"]: (row["target"], row["signed"], row["attainment"]) for row in body["districts"]}
    assert districts == {
        "颍州区": (0, 3, None),
        "颍东区": (0, 2, None),
        "颍泉区": (0, 0, None),
        "太和县": (20, 2, "10.00"),
        "颍上县": (0, 0, None),
    }
    assert body["gaps"] == [
        {"region": fuyang["颍泉区"].pk, "name": "颍泉区"},
        {"region": fuyang["颍上县"].pk, "name": "颍上县"},
    ]


def test_it_counts_each_phase_within_its_days_and_regions(client_for, general_manager, plan, signings):
    first, taihe = progress(client_for, general_manager, plan)["phases"]
    assert (first["name"], first["target"], first["signed"], first["attainment"]) == ("第一阶段", 50, 3, "6.00")
    assert first["period"] == {"starts_on": "2026-04-20", "ends_on": "2026-05-31"}
    assert [r["name"] for r in first["regions"]] == ["颍州区", "颍东区", "颍泉区"]
    assert first["segments"] == [
        {"segment": "supermarket", "target": 5, "signed": 1, "attainment": "20.00"},
        {"segment": "featured", "target": 15, "signed": 0, "attainment": "0.00"},
        {"segment": "basic", "target": 30, "signed": 2, "attainment": "6.67"},
    ]
    assert (taihe["target"], taihe["signed"], taihe["attainment"]) == (20, 1, "5.00")


def test_it_counts_each_recruiter_against_their_quota(client_for, general_manager, plan, signings):
    rows = {row["username"]: row for row in progress(client_for, general_manager, plan)["recruiters"]}
    assert {name: (r["target"], r["signed"], r["attainment"]) for name, r in rows.items()} == {
        "recruiter": (10, 4, "40.00"),
        "recruiter_b": (10, 2, "20.00"),
        "recruiter_east": (10, 1, "10.00"),
    }


def test_it_shows_a_signer_without_a_quota(client_for, general_manager, plan, recruitment_head):
    signed(recruitment_head, D(2026, 9, 9), segment=Segment.SUPERMARKET)
    rows = {row["username"]: row for row in progress(client_for, general_manager, plan)["recruiters"]}
    assert rows["head"]["target"] == 0 and rows["head"]["signed"] == 1 and rows["head"]["attainment"] is None


def test_an_empty_plan_is_all_gaps(client_for, general_manager, plan, fuyang):
    body = progress(client_for, general_manager, plan)
    assert body["total"] == {"target": 60, "signed": 0, "attainment": "0.00"}
    assert [gap["name"] for gap in body["gaps"]] == ["颍州区", "颍东区", "颍泉区", "太和县", "颍上县"]


def test_a_plan_over_one_district_has_it_as_its_only_district(client_for, general_manager, plan, fuyang, recruiter):
    plan.region = fuyang["太和县"]
    plan.save()
    plan.phases.filter(name="第一阶段").delete()
    signed(recruiter, D(2026, 9, 1), district="太和县")
    signed(recruiter, D(2026, 9, 1), district="颍州区")
    body = progress(client_for, general_manager, plan)
    assert [(d["name"], d["signed"]) for d in body["districts"]] == [("太和县", 1)]
    assert body["total"]["signed"] == 1 and body["gaps"] == []


def test_the_query_count_is_fixed_as_merchants_phases_and_quotas_grow(
    client_for, general_manager, plan, signings, fuyang, queries
):
    client = client_for(general_manager)
    created = []

    def call():
        general_manager.__dict__.pop("_role_slugs", None)  # as on a new request: roles read again
        assert client.get(f"/api/v1/plans/{plan.pk}/progress/").status_code == 200

    def grow():
        person = make_user("recruiter", department=None)
        created.append(person)
        Quota.objects.create(plan=plan, recruiter=person, count=5)
        phase = Phase.objects.create(
            plan=plan, name=f"p{len(created)}", starts_on=D(2026, 9, 1), ends_on=D(2026, 9, 30)
        )
        phase.regions.set([fuyang["颍上县"], fuyang["颍州区"]])
        phase.targets.create(segment=Segment.BASIC, count=4)
        for day in (1, 2, 3):
            signed(person, D(2026, 9, day), district="颍上县")

    queries.assert_constant(call, grow, expected=14)


def test_a_heads_progress_takes_a_fixed_number_of_queries(client_for, recruitment_head, plan, signings, queries):
    client = client_for(recruitment_head)

    def call():
        recruitment_head.__dict__.pop("_role_slugs", None)
        assert client.get(f"/api/v1/plans/{plan.pk}/progress/").status_code == 200

    def grow():
        person = make_user("recruiter", department=recruitment_head.staff_profile.department)
        Quota.objects.create(plan=plan, recruiter=person, count=5)
        signed(person, D(2026, 9, 1), district="颍上县")

    queries.assert_constant(call, grow, expected=14)
