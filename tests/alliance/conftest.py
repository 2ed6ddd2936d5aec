"""An alliance in 颍州区: two signed merchants of the department (one per recruiter, each
with its portal user), one of the outside department, and an activity in December."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from alliance import services
from merchants.models import MerchantStatus
from tests.factories.merchants import MerchantFactory
from workplace.calendar import SHANGHAI

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=SHANGHAI), tick=False):
        yield


def signed(recruiter, user=None, **kwargs):
    profile = recruiter.staff_profile
    kwargs.setdefault("status", MerchantStatus.ACTIVE)
    return MerchantFactory(recruiter=recruiter, department_id=profile.department_id, user=user, **kwargs)


@pytest.fixture
def merchant_a(recruiter, merchant_user):
    return signed(recruiter, merchant_user, name="甲商户")


@pytest.fixture
def merchant_b(second_recruiter, other_merchant_user):
    return signed(second_recruiter, other_merchant_user, name="乙商户")


@pytest.fixture
def outside_merchant(outside_recruiter):
    return signed(outside_recruiter, name="丙商户")


@pytest.fixture
def activity(recruitment_head, merchant_a, merchant_b):
    return services.activity_create(
        by=recruitment_head,
        title="颍州区冬季联合拓客",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        district="颍州区",
        subsidy=Decimal("2000.00"),
        participants=[merchant_a.pk, merchant_b.pk],
    )


@pytest.fixture
def joined(activity, merchant_a, merchant_b, merchant_user, other_merchant_user):
    """Both merchants take part."""
    services.participation_accept(activity=activity, by=merchant_user)
    services.participation_accept(activity=activity, by=other_merchant_user)
    return activity
