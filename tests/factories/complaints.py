"""Factories of the complaints app: complaints walked to any status with the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintStatus, ComplaintType, Satisfaction
from tests.factories.merchants import MerchantFactory
from tests.factories.workplace import DepartmentFactory, make_user

S = ComplaintStatus


def quality_team(dept_head=None):
    """The quality department with its head and one staff member (the responsible person
    of most test complaints): ``(department, head, person)``."""
    department = DepartmentFactory(code="quality", name="品控部")
    head = dept_head or make_user("dept_head", username="quality_head", department=department)
    department.head = head
    department.save(update_fields=["head"])
    person = make_user("dept_head", username="quality_staff", department=department, manager=head)
    return department, head, person


def complaint_merchant(*, user=None, recruiter=None, **fields):
    department = recruiter.staff_profile.department if recruiter is not None else None
    return MerchantFactory(user=user, recruiter=recruiter, department=department, **fields)


def make_complaint(
    status: str = S.RECEIVED,
    *,
    cs,
    merchant=None,
    person=None,
    type: str = ComplaintType.SERVICE_QUALITY,
    description: str = "收银员态度恶劣",
    received_at: dt.datetime | None = None,
) -> Complaint:
    """A complaint logged by ``cs`` and walked to ``status`` (``person`` answers and
    implements; their department is the responsible one)."""
    merchant = merchant or MerchantFactory()
    complaint = services.complaint_receive(
        user=cs, merchant=merchant, type=type, description=description, received_at=received_at
    )
    if status == S.RECEIVED:
        return complaint
    if status == S.CLOSED_INVALID:
        return services.complaint_investigate(complaint=complaint, by=cs, valid=False, findings="经核实不属实")
    department = person.staff_profile.department
    services.complaint_investigate(
        complaint=complaint,
        by=cs,
        valid=True,
        findings="经核实属实",
        responsible_department=department.code,
        responsible_person=person.username,
    )
    if status == S.AWAITING_SOLUTION:
        return _fresh(complaint)
    services.complaint_propose_solution(complaint=complaint, by=person, solution="退还差价并致歉")
    if status == S.AWAITING_OPINION:
        return _fresh(complaint)
    services.complaint_record_opinion(complaint=complaint, by=cs, accepted=True, opinion="同意")
    if status == S.IMPLEMENTING:
        return _fresh(complaint)
    services.complaint_mark_implemented(complaint=complaint, by=person, notes="已退款")
    if status == S.FOLLOW_UP:
        return _fresh(complaint)
    today = timezone.localdate()
    if status == S.INVESTIGATING:
        services.complaint_record_visit(complaint=complaint, by=cs, visited_on=today, satisfaction=Satisfaction.NEUTRAL)
        return _fresh(complaint)
    complaint = _fresh(complaint)
    for _ in range(complaint.required_visits):
        services.complaint_record_visit(
            complaint=complaint, by=cs, visited_on=today, satisfaction=Satisfaction.SATISFIED
        )
    services.complaint_close(complaint=complaint, by=cs)
    assert status == S.CLOSED, status
    return _fresh(complaint)


def _fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_related("rules", "merchant").get(pk=complaint.pk)
