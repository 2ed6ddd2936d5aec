"""The Fuyang plan of SPEC.md §6 in the demo, whole, and its progress over the demo merchants."""

import datetime as dt

import pytest
from django.core.management import call_command

from plans import demo
from plans.models import Plan, Region
from plans.selectors import plan_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    return Plan.objects.get()


def by_segment(targets):
    return {t.segment: t.count for t in targets.all()}


def test_it_is_this_years_plan_once_20_april_has_passed():
    assert demo.plan_year(dt.date(2026, 12, 3)) == 2026
    assert demo.plan_year(dt.date(2027, 4, 19)) == 2026
    assert demo.plan_year(dt.date(2027, 4, 20)) == 2027


def test_it_seeds_the_fuyang_plan_whole(seeded):
    plan = seeded
    assert (plan.region.name, plan.starts_on, plan.ends_on) == ("阜阳市", dt.date(2026, 4, 20), dt.date(2026, 12, 31))
    assert by_segment(plan.targets) == {"supermarket": 10, "featured": 20, "basic": 30}
    phases = list(plan.phases.order_by("starts_on", "id"))
    first, second, taihe, yingshang = phases[:4]
    assert (first.starts_on, first.ends_on, by_segment(first.targets)) == (
        dt.date(2026, 4, 20),
        dt.date(2026, 5, 31),
        {"supermarket": 5, "featured": 15, "basic": 30},
    )
    assert sorted(r.name for r in first.regions.all()) == sorted(["颍州区", "颍东区", "颍泉区"])
    assert (second.starts_on, second.ends_on, sum(by_segment(second.targets).values())) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 30),
        10,
    )
    assert [r.name for r in taihe.regions.all()] == ["太和县"] and taihe.starts_on == dt.date(2026, 8, 1)
    assert by_segment(taihe.targets) == {"supermarket": 3, "featured": 7, "basic": 10}
    assert [r.name for r in yingshang.regions.all()] == ["颍上县"] and yingshang.starts_on == dt.date(2026, 9, 1)
    assert sum(by_segment(yingshang.targets).values()) == 20
    for phase in phases[4:]:
        assert phase.starts_on == dt.date(2026, 10, 1) and 10 <= sum(by_segment(phase.targets).values()) <= 20
    assert {r.name for p in phases[4:] for r in p.regions.all()} == {"临泉县", "阜南县", "界首市"}
    assert sorted((q.recruiter.username, q.count) for q in plan.quotas.all()) == [
        (f"recruiter{n}", 10) for n in range(1, 6)
    ]
    assert sorted(u.username for u in plan.class_i_negotiators.all()) == ["director", "head"]
    assert Region.objects.filter(parent=plan.region).count() == 8


def test_its_progress_counts_the_demo_merchants(seeded, django_user_model):
    progress = plan_progress(seeded, django_user_model.objects.get(username="gm"))
    assert progress["total"]["signed"] > 0
    assert {row["username"] for row in progress["recruiters"]} >= {f"recruiter{n}" for n in range(1, 6)}


def test_it_adds_nothing_the_second_time(seeded, settings):
    call_command("seed_demo")
    assert Plan.objects.count() == 1 and Region.objects.count() == 9
