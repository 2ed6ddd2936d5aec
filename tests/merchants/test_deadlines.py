"""Reminders, escalation and expiry (SPEC.md §1.5), from the database state."""

import datetime as dt

import pytest
import time_machine

from merchants import services
from merchants.models import ApplicationStatus
from merchants.tasks import process_onboarding_deadlines
from workplace.calendar import SHANGHAI
from workplace.models import Notification

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)


def at(day, hour=9, minute=0):
    return time_machine.travel(dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI), tick=False)


def notices(user, suffix):
    return Notification.objects.filter(recipient=user, kind__endswith=suffix).count()


@pytest.fixture
def in_review(make_application):
    with time_machine.travel(MONDAY, tick=False):
        return make_application(ApplicationStatus.IN_REVIEW)


def test_the_review_is_due_in_3_working_days(in_review):
    assert in_review.review_due == dt.datetime(2026, 11, 5, 23, 59, 59, tzinfo=SHANGHAI)


def test_nothing_is_sent_before_the_deadline(in_review, recruiter):
    with at(5, 23, 59):
        process_onboarding_deadlines()
    assert not Notification.objects.filter(kind__startswith="application_review").exists()


def test_it_reminds_the_assignee_once(in_review, recruiter, recruitment_head):
    with at(6):
        process_onboarding_deadlines()
        process_onboarding_deadlines()
    assert notices(recruiter, "review_reminder") == 1
    assert notices(recruitment_head, "review_escalation") == 0


def test_it_escalates_to_the_head_after_one_more_working_day(in_review, recruiter, recruitment_head, ops_director):
    with at(6):
        process_onboarding_deadlines()
    with at(7):  # Saturday: Friday the 6th, the extra working day, is over
        process_onboarding_deadlines()
    assert notices(recruiter, "review_reminder") == 1
    assert notices(recruitment_head, "review_escalation") == 1
    assert notices(ops_director, "review_escalation") == 0


def test_then_to_the_operations_director(in_review, recruitment_head, ops_director):
    with at(9, 23):  # Monday the 9th still counts as the head's working day
        process_onboarding_deadlines()
    assert notices(ops_director, "review_escalation") == 0
    with at(10):
        process_onboarding_deadlines()
        process_onboarding_deadlines()
    assert notices(recruitment_head, "review_escalation") == 1
    assert notices(ops_director, "review_escalation") == 1


def test_a_missed_run_catches_up(in_review, recruiter, recruitment_head, ops_director):
    with at(20):
        result = process_onboarding_deadlines()
    assert result == {"reminders": 1, "escalations": 2, "expired": 0}


def test_a_decided_application_is_not_reminded(in_review, recruitment_head, recruiter):
    with at(5):
        services.application_reject(application=in_review, by=recruitment_head, reason="不符合")
    with at(20):
        process_onboarding_deadlines()
    assert notices(recruiter, "review_reminder") == 0


def test_an_overdue_system_check_is_reminded(make_application, recruiter):
    with time_machine.travel(MONDAY, tick=False):
        application = make_application("documents")
        # Submitted, but the queued check never ran (no on-commit callbacks here).
        services.application_submit(application=application, user=application.merchant.user)
    application.refresh_from_db()
    assert application.check_due == dt.datetime(2026, 11, 3, 23, 59, 59, tzinfo=SHANGHAI)
    with at(3, 23):
        process_onboarding_deadlines()
    assert notices(recruiter, "system_check_reminder") == 0
    with at(4):
        process_onboarding_deadlines()
    assert notices(recruiter, "system_check_reminder") == 1


def test_an_unassigned_application_reminds_the_heads(make_application, recruitment_head, outside_head):
    with time_machine.travel(MONDAY, tick=False):
        make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    with at(6):
        process_onboarding_deadlines()
    assert notices(recruitment_head, "review_reminder") == 1
    assert notices(outside_head, "review_reminder") == 1


@pytest.fixture
def needs_changes(make_application):
    with time_machine.travel(MONDAY, tick=False):
        return make_application(ApplicationStatus.NEEDS_CHANGES)


def test_needs_changes_expires_after_15_calendar_days(needs_changes, merchant_user):
    assert needs_changes.resubmit_due == dt.datetime(2026, 11, 17, 23, 59, 59, tzinfo=SHANGHAI)
    with at(17, 23, 59):
        process_onboarding_deadlines()
    needs_changes.refresh_from_db()
    assert needs_changes.status == ApplicationStatus.NEEDS_CHANGES
    with at(18, 0, 1):
        process_onboarding_deadlines()
        process_onboarding_deadlines()
    needs_changes.refresh_from_db()
    assert needs_changes.status == ApplicationStatus.EXPIRED
    assert needs_changes.status_changes.filter(to_status="expired").count() == 1
    assert Notification.objects.filter(recipient=merchant_user, kind="application_expired").count() == 1


def test_a_resubmission_stops_the_expiry(needs_changes, merchant_user):
    with at(10):
        services.application_submit(application=needs_changes, user=merchant_user)
    needs_changes.refresh_from_db()
    assert needs_changes.resubmit_due is None
    with at(20):
        process_onboarding_deadlines()
    needs_changes.refresh_from_db()
    assert needs_changes.status == ApplicationStatus.SUBMITTED


def test_a_repeated_run_costs_the_same_whatever_the_backlog(make_application, queries, other_merchant_user):
    from tests.factories.workplace import make_user

    users = iter(range(100))

    def grow():
        with time_machine.travel(MONDAY, tick=False):
            make_application(ApplicationStatus.IN_REVIEW, user=make_user("merchant", username=f"m{next(users)}"))
        with at(20):
            process_onboarding_deadlines()  # sends the new application's notices

    grow()
    with at(20):
        # Three selections (two reminder lists, the overdue resubmissions), the operations
        # directors, the notices already sent; the calendar (overrides, published years)
        # comes from the rule cache, warmed by the set-up's deadlines.
        queries.assert_constant(process_onboarding_deadlines, grow, expected=5)
