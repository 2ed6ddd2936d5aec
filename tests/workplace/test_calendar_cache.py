"""The calendar's overrides and published years served from the rule cache
(workplace.calendar, workplace.rules.register_table): a hit reads no calendar table, a
committed change (ORM or admin) is in the next answer, another process's change is seen
at the next request, and with the cache down the answer comes from the database."""

import datetime as dt
import logging
import uuid

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext

from tests.outages import cache_down
from workplace import calendar
from workplace.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date
URL = "/api/v1/calendar/due-date/"
# 2026-09-30 + 3 working days: the National Day week, then Thu 8th, Fri 9th and Saturday
# the 10th (an adjusted working day).
SPEC_EXAMPLE = {"start": "2026-09-30", "working_days": 3}


def due(client, params=SPEC_EXAMPLE):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def calendar_queries(context):
    return [query["sql"] for query in context.captured_queries if "workplace_calendar" in query["sql"]]


def test_a_cache_hit_reads_no_calendar_table(django_assert_num_queries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 11, 23), is_working_day=False, name="closure")
    calendar.add_working_days(D(2026, 11, 20), 1)  # fills the cache
    with django_assert_num_queries(0):
        assert calendar.add_working_days(D(2026, 11, 20), 1).date == D(2026, 11, 24)
        assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
        assert calendar.is_working_day(D(2026, 10, 10)) is True


def test_a_due_date_from_the_cache_reads_no_calendar_table(client_for, recruiter, django_capture_on_commit_callbacks):
    client = client_for(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.create(year=2027)
    assert due(client) == {"due": "2026-10-10", "fallback": False}
    from django.db import connection

    with CaptureQueriesContext(connection) as context:
        assert due(client, {"start": "2026-12-31", "working_days": 1}) == {"due": "2027-01-01", "fallback": False}
    assert calendar_queries(context) == []


def test_an_override_saved_through_the_orm_is_in_the_next_answer(
    client_for, recruiter, django_capture_on_commit_callbacks
):
    client = client_for(recruiter)
    assert due(client) == {"due": "2026-10-10", "fallback": False}  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        override = CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False, name="停工")
    assert due(client) == {"due": "2026-10-12", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        override.is_working_day = True
        override.save()
    assert due(client) == {"due": "2026-10-10", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 10, 8), is_working_day=False, name="停工")
    assert due(client) == {"due": "2026-10-12", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.filter(date=D(2026, 10, 8)).get().delete()
    assert due(client) == {"due": "2026-10-10", "fallback": False}


def test_a_published_year_saved_is_in_the_next_answer(client_for, recruiter, django_capture_on_commit_callbacks):
    client = client_for(recruiter)
    params = {"start": "2026-12-31", "working_days": 1}
    assert due(client, params) == {"due": "2027-01-01", "fallback": True}
    with django_capture_on_commit_callbacks(execute=True):
        year = CalendarYear.objects.create(year=2027)
    assert due(client, params) == {"due": "2027-01-01", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        year.delete()
    assert due(client, params) == {"due": "2027-01-01", "fallback": True}


def test_a_change_not_yet_committed_is_seen_by_its_own_transaction(client_for, recruiter):
    # The test's transaction never commits: the cache is not told, yet this thread reads
    # the database while its change waits for the commit.
    client = client_for(recruiter)
    assert due(client) == {"due": "2026-10-10", "fallback": False}
    CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False)
    assert due(client) == {"due": "2026-10-12", "fallback": False}


def test_an_override_entered_in_the_admin_is_in_the_next_answer(
    client, client_for, recruiter, admin_user, django_capture_on_commit_callbacks
):
    api = client_for(recruiter)
    assert due(api) == {"due": "2026-10-10", "fallback": False}
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/workplace/calendaroverride/add/", {"date": "2026-10-10", "name": "停工"}
        )  # "working day" unticked
    assert (response.status_code, response["Location"]) == (302, "/admin/workplace/calendaroverride/")
    override = CalendarOverride.objects.get(date=D(2026, 10, 10))
    assert override.is_working_day is False
    assert due(api) == {"due": "2026-10-12", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/workplace/calendaroverride/{override.pk}/change/",
            {"date": "2026-10-10", "is_working_day": "on", "name": "调休"},
        )
    assert response.status_code == 302
    assert due(api) == {"due": "2026-10-10", "fallback": False}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/workplace/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    assert due(api) == {"due": "2026-10-10", "fallback": False}


def test_the_next_request_sees_an_override_another_process_entered(client_for, recruiter):
    client = client_for(recruiter)
    assert due(client) == {"due": "2026-10-10", "fallback": False}
    # Another process enters an override and bumps the generation: this process's signals
    # never ran (bulk_create sends none), only the shared cache knows.
    CalendarOverride.objects.bulk_create([CalendarOverride(date=D(2026, 10, 10), is_working_day=False)])
    assert due(client) == {"due": "2026-10-10", "fallback": False}  # not told yet
    cache.set("rules:generation:workplace.calendaroverride", "another-process", None)
    cache.set("rules:epoch", uuid.uuid4().hex, None)  # what its bump does after the generation
    assert due(client) == {"due": "2026-10-12", "fallback": False}


def test_with_the_cache_down_the_answer_comes_from_the_database(
    client_for, recruiter, django_capture_on_commit_callbacks, caplog
):
    client = client_for(recruiter)
    assert due(client) == {"due": "2026-10-10", "fallback": False}  # cached before the outage
    from django.db import connection

    with cache_down(), caplog.at_level(logging.WARNING, logger="workplace.rules"):
        with CaptureQueriesContext(connection) as context:
            assert due(client) == {"due": "2026-10-10", "fallback": False}
        assert len(calendar_queries(context)) == 2  # the overrides and the years, every time
        with django_capture_on_commit_callbacks(execute=True):
            CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False)
        assert due(client) == {"due": "2026-10-12", "fallback": False}
        assert calendar.add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 12)  # outside a request too
    assert "workplace.calendaroverride invalidated in this process only" in caplog.text
    # The cache is back: this process forgot its copy at the change.
    assert due(client) == {"due": "2026-10-12", "fallback": False}


def test_one_test_fills_the_cache_with_an_override(client_for, recruiter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False)
    assert due(client_for(recruiter)) == {"due": "2026-10-12", "fallback": False}


def test_the_next_test_does_not_see_it(client_for, recruiter):
    # The previous test's row was rolled back; its cached copy must not answer here
    # (tests/conftest.py empties the rule cache around every test).
    assert due(client_for(recruiter)) == {"due": "2026-10-10", "fallback": False}
