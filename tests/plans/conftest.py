"""Hand-built Fuyang: the city, its three urban districts and two counties, and a plan of
SPEC.md §6 over it (60 merchants; phase 1 in the urban districts; Taihe from August)."""

import datetime as dt

import pytest
import time_machine

from merchants.models import Category, MerchantStatus, Segment
from plans.models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region, RegionKind
from tests.factories.merchants import MerchantFactory
from workplace.calendar import SHANGHAI

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def fuyang(db):
    city = Region.objects.create(name="阜阳市", code="341200", kind=RegionKind.CITY)
    regions = {"city": city}
    for name, code, kind in [
        ("颍州区", "341202", RegionKind.DISTRICT),
        ("颍东区", "341203", RegionKind.DISTRICT),
        ("颍泉区", "341204", RegionKind.DISTRICT),
        ("太和县", "341222", RegionKind.COUNTY),
        ("颍上县", "341226", RegionKind.COUNTY),
    ]:
        regions[name] = Region.objects.create(name=name, code=code, kind=kind, parent=city)
    return regions


@pytest.fixture
def other_city(db):
    return Region.objects.create(name="合肥市", code="340100", kind=RegionKind.CITY)


def targets(owner_field, owner, supermarket, featured, basic, model):
    for segment, count in ((Segment.SUPERMARKET, supermarket), (Segment.FEATURED, featured), (Segment.BASIC, basic)):
        model.objects.create(**{owner_field: owner}, segment=segment, count=count)


@pytest.fixture
def plan(fuyang, recruiter, second_recruiter, outside_recruiter):
    plan = Plan.objects.create(
        name="阜阳2026招商计划", region=fuyang["city"], starts_on=dt.date(2026, 4, 20), ends_on=dt.date(2026, 12, 31)
    )
    targets("plan", plan, 10, 20, 30, PlanTarget)
    first = Phase.objects.create(
        plan=plan, name="第一阶段", starts_on=dt.date(2026, 4, 20), ends_on=dt.date(2026, 5, 31)
    )
    first.regions.set([fuyang["颍州区"], fuyang["颍东区"], fuyang["颍泉区"]])
    targets("phase", first, 5, 15, 30, PhaseTarget)
    taihe = Phase.objects.create(plan=plan, name="太和县", starts_on=dt.date(2026, 8, 1), ends_on=dt.date(2026, 12, 31))
    taihe.regions.set([fuyang["太和县"]])
    targets("phase", taihe, 3, 7, 10, PhaseTarget)
    for person in (recruiter, second_recruiter, outside_recruiter):
        Quota.objects.create(plan=plan, recruiter=person, count=10)
    return plan


def signed(recruiter, day, *, district="颍州区", segment=Segment.BASIC, category=Category.LIFE_SERVICES, hour=10):
    """A merchant signed by ``recruiter`` at ``hour`` o'clock Shanghai time on ``day``."""
    return MerchantFactory(
        status=MerchantStatus.ACTIVE,
        district=district,
        segment=segment,
        category=category,
        recruiter=recruiter,
        department=recruiter.staff_profile.department if recruiter else None,
        signing_recruiter=recruiter,
        signed_at=dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI),
    )
