"""The dashboard's plan panels (issue 10 §2): progress by segment and category, the phase
burn-up against each phase's target line, coverage by district with the gaps named, the
quota rows scoped by role; each row links to the signed merchants behind it."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from dashboards.plan_panels import plan_panels
from plans.models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region
from tests.dashboards.builders import at, merchant_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _may():
    # Wednesday 13 May 2026, Asia/Shanghai.
    with time_machine.travel(dt.datetime(2026, 5, 13, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plan(db, recruiter, second_recruiter, outside_recruiter):
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    yingzhou = Region.objects.create(name="颍州区", code="341202", kind="district", parent=city)
    yingdong = Region.objects.create(name="颍东区", code="341203", kind="district", parent=city)
    Region.objects.create(name="颍泉区", code="341204", kind="district", parent=city)
    taihe = Region.objects.create(name="太和县", code="341222", kind="county", parent=city)
    plan = Plan.objects.create(
        name="阜阳招商计划", region=city, starts_on=dt.date(2026, 4, 20), ends_on=dt.date(2026, 5, 31)
    )
    PlanTarget.objects.create(plan=plan, segment="supermarket", count=2)
    PlanTarget.objects.create(plan=plan, segment="featured", category="dining_entertainment", count=4)
    PlanTarget.objects.create(plan=plan, segment="basic", count=6)
    one = Phase.objects.create(plan=plan, name="一期", starts_on=dt.date(2026, 4, 20), ends_on=dt.date(2026, 5, 10))
    one.regions.set([yingzhou, yingdong])
    PhaseTarget.objects.create(phase=one, segment="basic", count=5)
    two = Phase.objects.create(plan=plan, name="二期", starts_on=dt.date(2026, 5, 11), ends_on=dt.date(2026, 5, 31))
    two.regions.set([taihe])
    PhaseTarget.objects.create(phase=two, segment="featured", count=3)
    for person, count in ((recruiter, 5), (second_recruiter, 4), (outside_recruiter, 3)):
        Quota.objects.create(plan=plan, recruiter=person, count=count)
    return plan


def sign(recruiter, day, district, segment="basic", category="life_services"):
    return merchant_of(
        recruiter,
        status="active",
        signed_at=at(day),
        signing_recruiter=recruiter,
        district=district,
        segment=segment,
        category=category,
    )


@pytest.fixture
def signings(recruiter, second_recruiter, outside_recruiter):
    sign(recruiter, "2026-04-21", "颍州区")  # week 1 (20–26 Apr)
    sign(recruiter, "2026-04-28", "颍州区")  # week 2
    sign(second_recruiter, "2026-04-29", "颍东区", segment="featured", category="dining_entertainment")  # week 2
    sign(outside_recruiter, "2026-05-12", "太和县", segment="featured", category="dining_entertainment")  # week 4
    sign(recruiter, "2026-04-19", "颍州区")  # before the plan
    sign(recruiter, "2026-04-22", "合肥市")  # outside its area


def page(user, params=None, language="en"):
    client = Client()
    client.force_login(user)
    return client.get("/dashboards/", params or {}, HTTP_ACCEPT_LANGUAGE=language)


def row(html, table, attribute, value):
    body = re.search(rf'<table[^>]*id="{table}".*?</table>', html, re.S).group(0)
    found = re.search(rf'<tr {attribute}="{value}"[^>]*>(.*?)</tr>', body, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found, re.S)]


def test_progress_by_segment_and_category(plan, signings, general_manager):
    html = page(general_manager).content.decode()

    assert row(html, "table-plan-progress", "data-segment", "basic") == ["Basic merchant", "6", "2", "33.33 %"]
    assert row(html, "table-plan-progress", "data-segment", "featured") == ["Featured merchant", "4", "2", "50.00 %"]
    assert row(html, "table-plan-progress", "data-segment", "supermarket") == ["Supermarket", "2", "0", "0.00 %"]
    assert row(html, "table-plan-progress", "data-category", "dining_entertainment")[1:] == ["4", "2", "50.00 %"]
    assert row(html, "table-plan-progress", "data-category", "beauty_hair")[1:] == ["0", "0", "—"]
    assert 'id="plan-total">4 of 12 signed</a> (33.33 %)' in html


def test_coverage_names_the_districts_without_a_merchant(plan, signings, general_manager):
    html = page(general_manager).content.decode()

    gaps = re.search(r'<p[^>]*id="coverage-gaps"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.findall(r"<strong[^>]*>(.*?)</strong>", gaps) == ["颍泉区"]
    quan = Region.objects.get(name="颍泉区")
    assert row(html, "table-coverage", "data-region", quan.pk) == ["颍泉区", "0", "0", "—"]
    taihe = Region.objects.get(name="太和县")
    # Phase 2 covers 太和县 alone: its target is the district's.
    assert row(html, "table-coverage", "data-region", taihe.pk) == ["太和县", "3", "1", "33.33 %"]


def test_a_district_with_no_merchant_at_all_is_a_gap(plan, general_manager):
    panels = plan_panels(plan, general_manager)

    assert [gap["name"] for gap in panels["gaps"]] == ["颍州区", "颍东区", "颍泉区", "太和县"]


def test_the_burn_up_counts_signings_per_week_against_each_phase(plan, signings, general_manager):
    panels = plan_panels(plan, general_manager)
    weeks = panels["burn_up"]["weeks"]

    assert [week["start"].isoformat() for week in weeks] == [
        "2026-04-20",
        "2026-04-27",
        "2026-05-04",
        "2026-05-11",
        "2026-05-18",
        "2026-05-25",
    ]
    assert [week["signed"] for week in weeks] == [1, 2, 0, 1, None, None]
    assert [week["cumulative"] for week in weeks] == [1, 3, 3, 4, None, None]
    # Phase 1's target (5) until it ends, then phase 1 + 2 (8).
    assert [week["target"] for week in weeks] == [5, 5, 5, 8, 8, 8]
    lines = panels["burn_up"]["lines"]
    assert lines[0] == {"name": "一期", "values": [5, 5, 5, None, None, None]}
    assert lines[1] == {"name": "二期", "values": [None, None, None, 8, 8, 8]}


def test_the_phase_table_and_its_chart(plan, signings, general_manager):
    html = page(general_manager).content.decode()
    one = Phase.objects.get(name="一期")

    assert row(html, "table-phases", "data-phase", one.pk) == [
        "一期",
        "2026-04-20 – 2026-05-10",
        "颍州区、颍东区",
        "5",
        "3",
        "60.00 %",
    ]
    assert 'data-chart="burn-up"' in html
    assert '"cumulative": [1, 3, 3, 4, null, null]' in html


def test_each_row_links_to_the_signed_merchants_behind_it(plan, signings, general_manager):
    client = Client()
    client.force_login(general_manager)
    panels = plan_panels(plan, general_manager)

    for rows in (panels["segments"], panels["categories"], panels["districts"]):
        for line in rows:
            response = client.get(line["url"])
            assert response.status_code == 200
            assert f'data-total="{line["signed"]}"' in response.content.decode(), line


def test_the_quota_rows_are_scoped_by_role(
    plan, signings, recruiter, second_recruiter, recruitment_head, general_manager
):
    def recruiters(user):
        html = page(user).content.decode()
        table = re.search(r'<table[^>]*id="table-plan-recruiters".*?</table>', html, re.S).group(0)
        return sorted(int(pk) for pk in re.findall(r'<tr data-recruiter="(\d+)"', table))

    everyone = recruiters(general_manager)
    assert len(everyone) == 3
    assert recruiters(recruiter) == [recruiter.pk]
    assert recruiters(recruitment_head) == sorted([recruiter.pk, second_recruiter.pk])


def test_a_bad_plan_is_named(plan, general_manager):
    bad = page(general_manager, {"plan": "x"})
    missing = page(general_manager, {"plan": "999999"})

    assert bad.status_code == 400
    assert 'id="plan-error" data-field="plan">Enter a whole number.' in bad.content.decode()
    assert missing.status_code == 400
    assert "There is no such plan." in missing.content.decode()


def test_another_plan_can_be_chosen(plan, general_manager):
    other = Plan.objects.create(
        name="太和县计划", region=plan.region, starts_on=dt.date(2026, 8, 1), ends_on=dt.date(2026, 12, 31)
    )

    assert "阜阳招商计划" in page(general_manager).content.decode().split('id="plan-title"')[1][:200]
    assert "太和县计划" in page(general_manager, {"plan": other.pk}).content.decode().split('id="plan-title"')[1][:200]


def test_the_plan_panels_speak_chinese(plan, general_manager):
    html = page(general_manager, language="zh-hans").content.decode()

    assert "分阶段累计签约" in html
    assert "区县覆盖" in html


def test_no_plan_no_panels(general_manager):
    response = page(general_manager)

    assert response.status_code == 200
    assert 'id="plan-title"' not in response.content.decode()


def test_the_panels_take_a_fixed_number_of_queries(plan, recruiter, second_recruiter, general_manager, queries):
    client = Client()
    client.force_login(general_manager)
    days = iter(range(1, 400))

    def grow():
        day = dt.date(2026, 4, 20) + dt.timedelta(days=next(days) % 20)
        sign(recruiter, day.isoformat(), "颍州区")
        sign(second_recruiter, day.isoformat(), "太和县", segment="featured")

    grow()
    client.get("/dashboards/")
    # 31, and one for the alliance panel (tests/dashboards/test_alliance_panel.py).
    queries.assert_constant(lambda: client.get("/dashboards/"), grow, expected=32)
