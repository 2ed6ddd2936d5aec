"""What one call of the due-date calculator costs, with a real API token: the token with
its user and roles, then the calendar's overrides and published years of the span (one
query each, however many days and overrides)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories.workplace import make_user
from workplace.models import CalendarOverride

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date/"
# the token with its user and role names (workplace.api.tokens), the overrides, the years
EXPECTED_DUE_DATE_QUERIES = 3


def test_a_due_date_costs_three_queries(recruiter, queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=recruiter).key}")
    answers = []

    def call():
        response = client.get(URL, {"start": "2026-09-30", "working_days": 3})
        assert response.status_code == 200
        answers.append(response.json())

    def grow():
        Token.objects.create(user=make_user("recruiter"))
        recruiter.groups.add(Group.objects.get_or_create(name=f"extra-{Group.objects.count()}")[0])
        # an override outside the span and one inside it that changes nothing
        CalendarOverride.objects.get_or_create(
            date=dt.date(2026, 8, len(answers) + 1), defaults={"is_working_day": True}
        )
        CalendarOverride.objects.get_or_create(date=dt.date(2026, 10, 9), defaults={"is_working_day": True})

    queries.assert_constant(call, grow, expected=EXPECTED_DUE_DATE_QUERIES)
    assert answers[0] == answers[-1] == {"due": "2026-10-10", "fallback": False}
