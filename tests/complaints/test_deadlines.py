"""Deadlines in working days (SPEC.md §7) and the notice job (reminders, escalation,
quiet hours 21:00–08:00 Asia/Shanghai)."""

import pytest
import time_machine

from complaints import services
from complaints.models import Complaint, ComplaintStatus
from tests.factories.complaints import make_complaint
from workplace.models import Notification

from .conftest import at

S = ComplaintStatus
pytestmark = pytest.mark.django_db


def receive(cs, merchant, moment):
    with time_machine.travel(moment, tick=False):
        return services.complaint_receive(user=cs, merchant=merchant, type="other", description="x")


def test_it_counts_the_reply_across_national_day_2026(customer_service, merchant_a):
    complaint = receive(customer_service, merchant_a, at(2026, 9, 30, 10, 0))
    assert complaint.reply_due == at(2026, 10, 10, 23, 59, 59)  # an adjusted working Saturday
    assert complaint.reply_due.isoformat() in {"2026-10-10T15:59:59+00:00", "2026-10-10T23:59:59+08:00"}
    assert complaint.reply_due_fallback is False


def test_it_counts_across_spring_festival_2026(customer_service, merchant_a):
    # Fri 13 Feb: Sat 14 (adjusted working day), then off until Tue 24: 14, 24, 25.
    complaint = receive(customer_service, merchant_a, at(2026, 2, 13, 9, 0))
    assert complaint.reply_due == at(2026, 2, 25, 23, 59, 59)


def test_it_counts_an_adjusted_working_sunday(customer_service, merchant_a):
    # Fri 18 Sep 2026: Sun 20 is a working day (调休) → 20, 21, 22.
    complaint = receive(customer_service, merchant_a, at(2026, 9, 18, 9, 0))
    assert complaint.reply_due == at(2026, 9, 22, 23, 59, 59)


def test_it_flags_a_deadline_counted_into_2027(customer_service, merchant_a):
    # Wed 30 Dec 2026: Thu 31, then 2027 (unknown: Monday–Friday fallback) Fri 1, Mon 4.
    complaint = receive(customer_service, merchant_a, at(2026, 12, 30, 9, 0))
    assert complaint.reply_due == at(2027, 1, 4, 23, 59, 59)
    assert complaint.reply_due_fallback is True


def test_it_sets_the_solution_deadline_from_the_transfer_slip(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    assert complaint.solution_due == at(2026, 10, 16, 23, 59, 59)


def test_it_sets_the_first_visit_within_three_working_days(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.FOLLOW_UP, cs=customer_service, merchant=merchant_a, person=person)
    assert complaint.follow_up_due == at(2026, 10, 16, 23, 59, 59)


def notices(user, kind=None):
    queryset = Notification.objects.filter(recipient=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.values_list("kind", flat=True))


def test_it_tells_the_responsible_person_of_the_transfer_slip_once(frozen, customer_service, merchant_a, person):
    make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_deadlines_process()
    services.complaint_deadlines_process()
    assert notices(person) == ["complaint_transfer"]


def test_it_reminds_and_escalates_an_overdue_solution_once(frozen, customer_service, merchant_a, person, dept_head):
    make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    frozen.move_to(at(2026, 10, 19, 9, 0))  # due Fri 16 23:59:59
    first = services.complaint_deadlines_process()
    again = services.complaint_deadlines_process()
    assert (first["reminders"], first["escalations"]) == (1, 1)
    assert again["sent"] == 0
    assert notices(person, "complaint_overdue") == ["complaint_overdue"]
    assert notices(dept_head) == ["complaint_escalated"]


def test_it_escalates_a_late_reply_from_the_handler_to_their_manager(frozen, customer_service, merchant_a):
    from tests.factories.workplace import make_user

    manager = make_user("customer_service", username="service_head")
    customer_service.staff_profile.manager = manager
    customer_service.staff_profile.save()
    make_complaint(cs=customer_service, merchant=merchant_a)
    frozen.move_to(at(2026, 10, 19, 9, 0))
    services.complaint_deadlines_process()
    assert notices(customer_service) == ["complaint_overdue"]
    assert notices(manager) == ["complaint_escalated"]


def test_it_holds_a_notice_due_at_23_00_until_08_00(customer_service, merchant_a, person):
    with time_machine.travel(at(2026, 10, 13, 10, 0), tick=False) as traveller:
        complaint = make_complaint(cs=customer_service, merchant=merchant_a)
        Complaint.objects.filter(pk=complaint.pk).update(reply_due=at(2026, 10, 13, 22, 59, 59))
        traveller.move_to(at(2026, 10, 13, 23, 0))
        assert services.complaint_deadlines_process() == {"quiet": True, "sent": 0}
        traveller.move_to(at(2026, 10, 14, 7, 59))
        assert services.complaint_deadlines_process()["quiet"] is True
        assert not Notification.objects.exists()
        traveller.move_to(at(2026, 10, 14, 8, 0))
        assert services.complaint_deadlines_process()["reminders"] == 1
        assert notices(customer_service) == ["complaint_overdue"]


def test_it_holds_a_transfer_slip_made_at_night_until_08_00(customer_service, merchant_a, person):
    with time_machine.travel(at(2026, 10, 13, 22, 30), tick=False) as traveller:
        make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
        services.complaint_deadlines_process()
        assert notices(person) == []
        traveller.move_to(at(2026, 10, 14, 8, 5))
        services.complaint_deadlines_process()
        assert notices(person) == ["complaint_transfer"]


def test_it_tells_the_merchant_of_a_solution_and_the_closing(
    frozen, customer_service, merchant_a, person, merchant_user
):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_deadlines_process()
    assert notices(merchant_user) == ["complaint_solution"]
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=True)
    services.complaint_mark_implemented(complaint=complaint, by=person)
    services.complaint_record_visit(
        complaint=complaint, by=customer_service, visited_on=frozen_today(), satisfaction="satisfied"
    )
    services.complaint_close(complaint=complaint, by=customer_service)
    services.complaint_deadlines_process()
    assert sorted(notices(merchant_user)) == ["complaint_closed", "complaint_solution"]


def frozen_today():
    from django.utils import timezone

    return timezone.localdate()


def test_it_runs_in_constant_queries(frozen, customer_service, merchant_a, person, django_assert_num_queries):
    def world(n):
        for _ in range(n):
            make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
        services.complaint_deadlines_process()  # the notices of the new steps, once

    world(1)
    frozen.move_to(at(2026, 10, 13, 11, 0))
    # Nothing new to say: the complaints, the notices already sent.
    with django_assert_num_queries(2):
        services.complaint_deadlines_process()
    world(3)
    with django_assert_num_queries(2):
        services.complaint_deadlines_process()


def test_it_tells_the_operations_director_of_an_escalation_once(
    frozen, customer_service, merchant_a, person, merchant_user, ops_director
):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=False, opinion="不接受")
    services.complaint_escalate(complaint=complaint, by=merchant_user, reason="要求仲裁")
    services.complaint_deadlines_process()
    services.complaint_deadlines_process()
    assert notices(ops_director) == ["complaint_arbitration"]
    frozen.move_to(at(2026, 10, 23, 9, 0))  # the panel was due Thu 22
    services.complaint_deadlines_process()
    assert sorted(notices(ops_director)) == ["complaint_arbitration", "complaint_overdue"]


def test_it_runs_the_job_from_the_beat(frozen, settings):
    from complaints.tasks import process_complaint_deadlines

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-deadlines"]
    assert entry["task"] == "complaints.tasks.process_complaint_deadlines"
    assert process_complaint_deadlines() == {"quiet": False, "sent": 0, "reminders": 0, "escalations": 0}
