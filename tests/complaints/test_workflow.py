"""Every path of the seven steps (SPEC.md §4), through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from complaints import services
from complaints.models import (
    ComplaintEvent,
    ComplaintStatus,
    ComplaintStatusChange,
    ComplaintType,
    Penalty,
    PointEvent,
    PointKind,
    Satisfaction,
)
from tests.factories.complaints import make_complaint
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

from .conftest import at

S = ComplaintStatus
pytestmark = pytest.mark.django_db


def penalties(complaint):
    return {(p.person.username, p.role): p.amount for p in Penalty.objects.filter(complaint=complaint)}


def test_it_numbers_complaints_readably(frozen, customer_service, merchant_a):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    assert complaint.number == f"TS-2026-{complaint.pk:06d}"
    assert complaint.status == S.RECEIVED and complaint.step == 1 and complaint.round == 1


def test_it_closes_an_invalid_complaint_against_nobody(frozen, customer_service, merchant_a):
    complaint = make_complaint(S.CLOSED_INVALID, cs=customer_service, merchant=merchant_a)
    assert complaint.status == S.CLOSED_INVALID and complaint.step == 7
    assert not Penalty.objects.exists() and not PointEvent.objects.exists()
    event = complaint.events.get(action="investigated_invalid")
    assert event.note == "经核实不属实" and not event.internal  # the findings go back to the merchant


def test_it_walks_a_complaint_accepted_the_first_time(frozen, customer_service, merchant_a, person, dept_head):
    complaint = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    assert complaint.status == S.CLOSED and complaint.closed_at is not None
    assert penalties(complaint) == {
        ("quality_staff", "responsible"): Decimal("-50.00"),
        ("quality_head", "head"): Decimal("-25.00"),
    }
    assert set(Penalty.objects.values_list("month", flat=True)) == {dt.date(2026, 10, 1)}
    steps = list(ComplaintStatusChange.objects.filter(complaint=complaint).values_list("to_status", flat=True))
    assert steps == [S.AWAITING_SOLUTION, S.AWAITING_OPINION, S.IMPLEMENTING, S.FOLLOW_UP, S.CLOSED]


def test_it_records_the_recruiters_points(frozen, customer_service, merchant_a, person, recruiter):
    make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    points = sorted((e.kind, e.points, e.recruiter_id, e.month) for e in PointEvent.objects.all())
    assert points == [
        (PointKind.GOOD_REVIEW, Decimal("0.50"), recruiter.pk, dt.date(2026, 10, 1)),
        (PointKind.VALID_COMPLAINT, Decimal("-0.50"), recruiter.pk, dt.date(2026, 10, 1)),
    ]


def test_it_sends_a_rejected_solution_back_with_a_new_deadline(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    frozen.move_to(at(2026, 10, 14, 9, 0))
    services.complaint_record_opinion(complaint=complaint, by=customer_service, accepted=False, opinion="金额不够")
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_SOLUTION and complaint.had_dispute
    assert complaint.solution_due == at(2026, 10, 19, 23, 59, 59)  # Wed + 3 working days: Thu, Fri, Mon


def test_it_closes_a_rejected_then_accepted_complaint_with_the_heavier_penalty(
    frozen, customer_service, merchant_a, merchant_user, person
):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=False, opinion="不接受")
    services.complaint_propose_solution(complaint=complaint, by=person, solution="全额退款")
    services.complaint_record_opinion(complaint=complaint, by=merchant_user, accepted=True)
    services.complaint_mark_implemented(complaint=complaint, by=person)
    services.complaint_record_visit(
        complaint=complaint, by=customer_service, visited_on=dt.date(2026, 10, 13), satisfaction=Satisfaction.SATISFIED
    )
    services.complaint_close(complaint=complaint, by=customer_service)
    assert penalties(complaint) == {
        ("quality_staff", "responsible"): Decimal("-100.00"),
        ("quality_head", "head"): Decimal("-50.00"),
    }
    assert list(complaint.solutions.values_list("attempt", flat=True)) == [1, 2]


def test_it_sends_an_unsatisfied_visit_back_to_investigation_as_a_new_round(
    frozen, customer_service, merchant_a, person
):
    complaint = make_complaint(S.INVESTIGATING, cs=customer_service, merchant=merchant_a, person=person)
    assert complaint.status == S.INVESTIGATING and complaint.round == 2 and complaint.step == 2
    assert complaint.had_dispute
    assert complaint.reply_due == at(2026, 10, 16, 23, 59, 59)
    # The second round walks the steps again and closes with the heavier penalty.
    services.complaint_investigate(
        complaint=complaint,
        by=customer_service,
        valid=True,
        findings="复查属实",
        responsible_department="quality",
        responsible_person="quality_staff",
    )
    services.complaint_propose_solution(complaint=complaint, by=person, solution="更换商品")
    services.complaint_record_opinion(complaint=complaint, by=customer_service, accepted=True)
    services.complaint_mark_implemented(complaint=complaint, by=person)
    services.complaint_record_visit(
        complaint=complaint,
        by=customer_service,
        visited_on=dt.date(2026, 10, 13),
        satisfaction=Satisfaction.VERY_SATISFIED,
    )
    services.complaint_close(complaint=complaint, by=customer_service)
    assert complaint.investigations.count() == 2
    assert penalties(complaint)[("quality_staff", "responsible")] == Decimal("-100.00")
    assert PointEvent.objects.filter(kind=PointKind.VALID_COMPLAINT).count() == 1  # once per complaint


def test_it_refuses_to_find_a_second_round_invalid(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.INVESTIGATING, cs=customer_service, merchant=merchant_a, person=person)
    with pytest.raises(ApplicationError) as error:
        services.complaint_investigate(complaint=complaint, by=customer_service, valid=False, findings="x")
    assert error.value.field == "valid"


def test_it_needs_two_visits_for_product_quality(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(
        S.FOLLOW_UP, cs=customer_service, merchant=merchant_a, person=person, type=ComplaintType.PRODUCT_QUALITY
    )
    assert complaint.required_visits == 2
    services.complaint_record_visit(
        complaint=complaint, by=customer_service, visited_on=dt.date(2026, 10, 13), satisfaction=Satisfaction.SATISFIED
    )
    complaint.refresh_from_db()
    assert complaint.follow_up_due == at(2026, 10, 16, 23, 59, 59)  # the next visit
    with pytest.raises(InvalidTransition, match="2"):
        services.complaint_close(complaint=complaint, by=customer_service)
    services.complaint_record_visit(
        complaint=complaint, by=customer_service, visited_on=dt.date(2026, 10, 13), satisfaction=Satisfaction.SATISFIED
    )
    services.complaint_close(complaint=complaint, by=customer_service)
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    assert PointEvent.objects.filter(kind=PointKind.GOOD_REVIEW).count() == 2


def test_it_refuses_an_illegal_step_with_409(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    with pytest.raises(InvalidTransition, match="Received|已接收|“"):
        services.complaint_close(complaint=complaint, by=customer_service)
    with pytest.raises(NotPermitted):
        services.complaint_propose_solution(complaint=complaint, by=person, solution="x")


def test_it_refuses_a_stale_copy(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    stale = type(complaint).objects.get(pk=complaint.pk)
    services.complaint_record_opinion(complaint=complaint, by=customer_service, accepted=True)
    with pytest.raises(InvalidTransition):
        services.complaint_record_opinion(complaint=stale, by=customer_service, accepted=True)


def test_it_keeps_every_step_in_the_history(frozen, customer_service, merchant_a, person):
    complaint = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    actions = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("action", "step", "round"))
    # Each line carries the step its action belongs to (SPEC.md §4), not the step it led to.
    assert actions == [
        ("received", 1, 1),
        ("investigated_valid", 2, 1),
        ("solution_proposed", 3, 1),
        ("opinion_accepted", 4, 1),
        ("implemented", 5, 1),
        ("visited", 6, 1),
        ("closed", 7, 1),
    ]


def test_it_files_a_rejection_and_a_new_round_under_their_steps(frozen, customer_service, merchant_a, person):
    invalid = make_complaint(S.CLOSED_INVALID, cs=customer_service, merchant=merchant_a)
    assert list(invalid.events.values_list("action", "step")) == [("received", 1), ("investigated_invalid", 2)]
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    services.complaint_record_opinion(complaint=complaint, by=customer_service, accepted=False, opinion="不接受")
    assert complaint.events.values_list("step", flat=True).get(action="opinion_rejected") == 4
    reopened = make_complaint(S.INVESTIGATING, cs=customer_service, merchant=merchant_a, person=person)
    lines = list(reopened.events.values_list("action", "step", "round"))
    assert lines[-2:] == [("visited", 6, 1), ("reopened", 2, 2)]


def test_it_accepts_received_at_from_yesterday_but_not_the_future_or_before(frozen, customer_service, merchant_a):
    complaint = services.complaint_receive(
        user=customer_service, merchant=merchant_a, type="other", description="x", received_at=at(2026, 10, 12, 0, 0)
    )
    assert complaint.received_at == at(2026, 10, 12, 0, 0)
    for moment in (at(2026, 10, 13, 10, 1), at(2026, 10, 11, 23, 59)):
        with pytest.raises(ApplicationError) as error:
            services.complaint_receive(
                user=customer_service, merchant=merchant_a, type="other", description="x", received_at=moment
            )
        assert error.value.field == "received_at"


def test_it_lets_a_merchant_file_its_own(frozen, merchant_user, merchant_a):
    complaint = services.complaint_receive(user=merchant_user, type="service_quality", description="等了一小时")
    assert complaint.merchant == merchant_a and complaint.handler is None


def test_it_refuses_a_responsible_person_outside_the_department(frozen, customer_service, merchant_a, team, recruiter):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    with pytest.raises(ApplicationError) as error:
        services.complaint_investigate(
            complaint=complaint,
            by=customer_service,
            valid=True,
            findings="属实",
            responsible_department="quality",
            responsible_person=recruiter.username,
        )
    assert error.value.field == "responsible_person"
