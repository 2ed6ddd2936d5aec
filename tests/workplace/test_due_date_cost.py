"""What one call of the due-date calculator costs, with a real API token: the token with
its user and roles; the calendar's overrides and published years come from the cache
(workplace.rules.register_table), and when they are not there, one query each for the
whole of both tables, however many days and overrides."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories.workplace import make_user
from workplace import rules
from workplace.api.tokens import issue_token
from workplace.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date/"
# the token with its user and role names (workplace.api.tokens); the calendar is cached
EXPECTED_DUE_DATE_QUERIES = 1
# the same, the first time a process counts (or after a change): the overrides, the years
EXPECTED_COLD_DUE_DATE_QUERIES = 3


@pytest.fixture
def token_client(recruiter):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(recruiter)[0]}")
    return client


def _grower(recruiter, answers, django_capture_on_commit_callbacks):
    def grow():
        issue_token(make_user("recruiter"))
        recruiter.groups.add(Group.objects.get_or_create(name=f"extra-{Group.objects.count()}")[0])
        # committed (so the cache is invalidated): an override outside the span, one inside
        # it that changes nothing, a published year
        with django_capture_on_commit_callbacks(execute=True):
            CalendarOverride.objects.get_or_create(
                date=dt.date(2026, 8, len(answers) + 1), defaults={"is_working_day": True}
            )
            CalendarOverride.objects.get_or_create(date=dt.date(2026, 10, 9), defaults={"is_working_day": True})
            CalendarYear.objects.get_or_create(year=2030 + len(answers))

    return grow


def test_a_due_date_costs_one_query(recruiter, token_client, queries, django_capture_on_commit_callbacks):
    answers = []

    def call():
        response = token_client.get(URL, {"start": "2026-09-30", "working_days": 3})
        assert response.status_code == 200
        answers.append(response.json())

    grow_data = _grower(recruiter, answers, django_capture_on_commit_callbacks)

    def grow():
        grow_data()
        call()  # the first answer after a change reads the calendar again

    call()  # the first call of the process reads the calendar into the cache
    queries.assert_constant(call, grow, expected=EXPECTED_DUE_DATE_QUERIES)
    assert answers[0] == answers[-1] == {"due": "2026-10-10", "fallback": False}


def test_reading_the_calendar_costs_two_queries_however_many_overrides(
    recruiter, token_client, queries, django_capture_on_commit_callbacks
):
    answers = []

    def cold_call():
        rules.clear()  # as in a new process
        response = token_client.get(URL, {"start": "2026-09-30", "working_days": 3})
        assert response.status_code == 200
        answers.append(response.json())

    grow = _grower(recruiter, answers, django_capture_on_commit_callbacks)
    queries.assert_constant(cold_call, grow, expected=EXPECTED_COLD_DUE_DATE_QUERIES)
    assert answers[0] == answers[-1] == {"due": "2026-10-10", "fallback": False}
