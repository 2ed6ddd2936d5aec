import pytest
import time_machine

from commissions.tasks import remind_overdue_approvals
from tests.factories.commissions import make_request

pytestmark = pytest.mark.django_db


def reminders(user):
    return user.notifications.filter(kind="commissions.approval_overdue")


def test_it_reminds_after_one_working_day_once_only(recruiter, recruitment_head):
    with time_machine.travel("2026-11-05 10:00 +0800", tick=False):  # a Thursday
        make_request(recruiter, "8.00")
    with time_machine.travel("2026-11-06 23:00 +0800", tick=False):  # still within Friday
        assert remind_overdue_approvals() == 0
    with time_machine.travel("2026-11-07 09:00 +0800", tick=False):  # Saturday: overdue
        assert remind_overdue_approvals() == 1
        assert remind_overdue_approvals() == 0
    with time_machine.travel("2026-11-09 09:00 +0800", tick=False):
        assert remind_overdue_approvals() == 0
    assert reminders(recruitment_head).count() == 1


def test_the_clock_restarts_at_each_step(client_for, recruiter, recruitment_head, ops_director):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        rate_request = make_request(recruiter, "6.90")
    with time_machine.travel("2026-11-04 10:00 +0800", tick=False):
        client_for(recruitment_head).post(f"/api/v1/rate-requests/{rate_request.pk}/approve/", {})
        assert remind_overdue_approvals() == 0
    with time_machine.travel("2026-11-06 10:00 +0800", tick=False):
        assert remind_overdue_approvals() == 1
    assert reminders(ops_director).count() == 1
    assert reminders(recruitment_head).count() == 0


def test_the_national_day_holiday_is_not_a_working_day(recruiter, recruitment_head):
    with time_machine.travel("2026-09-30 10:00 +0800", tick=False):
        make_request(recruiter, "8.00")
    with time_machine.travel("2026-10-08 10:00 +0800", tick=False):
        assert remind_overdue_approvals() == 0
    with time_machine.travel("2026-10-10 10:00 +0800", tick=False):
        assert remind_overdue_approvals() == 1


def test_closed_requests_are_not_reminded(client_for, recruiter, recruitment_head):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        rate_request = make_request(recruiter, "8.00")
        client_for(recruitment_head).post(f"/api/v1/rate-requests/{rate_request.pk}/reject/", {"reason": "否"})
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        assert remind_overdue_approvals() == 0


def test_query_count_is_constant(recruiter, recruitment_head, queries):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        make_request(recruiter, "8.00", kind="prepaid")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        remind_overdue_approvals()

        def grow():
            with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
                make_request(recruiter, "8.00")
            remind_overdue_approvals()

        # the calendar comes from the cache (workplace.calendar)
        queries.assert_constant(remind_overdue_approvals, grow, expected=4)
