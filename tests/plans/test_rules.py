"""The rules of plans.services on their own: periods, counts, regions, quotas, negotiators."""

import datetime as dt

import pytest

from plans import services
from plans.models import RegionKind
from workplace.exceptions import ApplicationError, NotPermitted

pytestmark = pytest.mark.django_db
D = dt.date


def field_of(check, *args, **kwargs):
    with pytest.raises(ApplicationError) as error:
        check(*args, **kwargs)
    return error.value.field


def test_a_period_may_be_one_day():
    services.check_period(D(2026, 5, 1), D(2026, 5, 1), field="period")


def test_a_period_ending_the_day_before_it_starts_is_refused():
    assert field_of(services.check_period, D(2026, 5, 2), D(2026, 5, 1), field="period") == "period"


def test_a_phase_on_the_plans_first_and_last_days_is_inside():
    services.check_within(
        D(2026, 4, 20), D(2026, 12, 31), outer_starts_on=D(2026, 4, 20), outer_ends_on=D(2026, 12, 31), field="p"
    )


@pytest.mark.parametrize(("start", "end"), [(D(2026, 4, 19), D(2026, 5, 1)), (D(2026, 12, 1), D(2027, 1, 1))])
def test_a_phase_a_day_outside_is_refused(start, end):
    assert (
        field_of(
            services.check_within,
            start,
            end,
            outer_starts_on=D(2026, 4, 20),
            outer_ends_on=D(2026, 12, 31),
            field="phases[0].period",
        )
        == "phases[0].period"
    )


@pytest.mark.parametrize("count", [-1, 100_001, True, "3", None])
def test_a_count_is_a_whole_number_from_0(count):
    assert field_of(services.check_count, count, field="count") == "count"


def test_the_area_of_a_city_holds_its_districts(fuyang, other_city):
    assert services.area_of(fuyang["city"]) == {region.pk for region in fuyang.values()}
    assert services.area_of(fuyang["太和县"]) == {fuyang["太和县"].pk}


def test_a_city_stands_alone_and_a_county_is_part_of_a_city(fuyang):
    services.check_region_place(kind=RegionKind.CITY, parent=None)
    services.check_region_place(kind=RegionKind.COUNTY, parent=fuyang["city"])
    assert field_of(services.check_region_place, kind=RegionKind.CITY, parent=fuyang["city"]) == "parent"
    assert field_of(services.check_region_place, kind=RegionKind.COUNTY, parent=fuyang["太和县"]) == "parent"


def test_an_inactive_recruiter_holds_no_quota(recruiter):
    recruiter.is_active = False
    assert (
        field_of(services.check_quotas, [{"recruiter": recruiter, "count": 1}], field="quotas") == "quotas[0].recruiter"
    )


def test_a_recruiter_may_not_write_plans(recruiter):
    with pytest.raises(NotPermitted):
        services.check_may_write_plans(recruiter, creating=True)


def test_it_creates_and_edits_a_plan_in_one_transaction(recruitment_head, fuyang, other_city):
    plan = services.plan_create(
        by=recruitment_head, name="计划", region=fuyang["city"], starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)
    )
    bad_phase = {"name": "x", "starts_on": D(2026, 2, 1), "ends_on": D(2026, 3, 1), "regions": [other_city]}
    with pytest.raises(ApplicationError):
        services.plan_update(
            plan=plan, by=recruitment_head, targets=[{"segment": "basic", "count": 3}], phases=[bad_phase]
        )
    assert not plan.targets.exists()  # the targets before the refused phase were not kept
