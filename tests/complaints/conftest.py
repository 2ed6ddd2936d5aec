import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories.complaints import complaint_merchant, quality_team

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    """A moment in Asia/Shanghai."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """Tuesday 2026-10-13 10:00 Asia/Shanghai, a working day; ``frozen.move_to(...)``."""
    with time_machine.travel(at(2026, 10, 13, 10, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(dept_head):
    """(quality department, its head = the ``dept_head`` fixture, a staff member)."""
    return quality_team(dept_head)


@pytest.fixture
def person(team):
    return team[2]


@pytest.fixture
def merchant_a(merchant_user, recruiter):
    return complaint_merchant(user=merchant_user, recruiter=recruiter, name="商户甲")


@pytest.fixture
def merchant_b(other_merchant_user, outside_recruiter):
    return complaint_merchant(user=other_merchant_user, recruiter=outside_recruiter, name="商户乙")
