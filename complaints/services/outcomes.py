"""What a complaint leaves for compensation (SPEC.md §4 penalties, §5.1 points). The rules
are pure functions; the recorders write the rows once (unique constraints guard repeats)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..models import (
    Complaint,
    ComplaintRuleSet,
    FollowUpVisit,
    Penalty,
    PenaltyRole,
    PointEvent,
    PointKind,
)
from .workflow import month_of

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PenaltyAmounts:
    responsible: Decimal
    head: Decimal


def complaint_penalty(rules: ComplaintRuleSet, *, had_dispute: bool) -> PenaltyAmounts:
    """SPEC.md §4: a valid complaint resolved with the merchant's acceptance costs the
    responsible person 50 and their department head 25; one where the merchant rejected
    a solution or was unsatisfied at any point costs 100 and 50. Negative amounts."""
    if had_dispute:
        responsible, head = rules.penalty_rejected_responsible, rules.penalty_rejected_head
    else:
        responsible, head = rules.penalty_accepted_responsible, rules.penalty_accepted_head
    return PenaltyAmounts(
        responsible=(-responsible).quantize(CENT, ROUND_HALF_UP), head=(-head).quantize(CENT, ROUND_HALF_UP)
    )


def head_of(complaint: Complaint):
    """The responsible person's department head; when the person is the head, their own
    manager (nobody is penalised twice for one complaint); None when there is nobody."""
    person = complaint.responsible_person
    department = complaint.responsible_department
    head = department.head if department is not None else None
    if head is not None and head.pk != person.pk:
        return head
    profile = getattr(person, "staff_profile", None)
    return profile.manager if profile is not None and profile.manager_id else None


def record_penalties(complaint: Complaint, *, now: dt.datetime) -> list[Penalty]:
    """On closing a valid complaint: the deductions for the closing month."""
    if complaint.responsible_person_id is None:
        return []
    amounts = complaint_penalty(complaint.rules, had_dispute=complaint.had_dispute)
    month = month_of(now)
    rows = [
        Penalty(
            complaint=complaint,
            person=complaint.responsible_person,
            role=PenaltyRole.RESPONSIBLE,
            amount=amounts.responsible,
            month=month,
            created_at=now,
        )
    ]
    head = head_of(complaint)
    if head is not None:
        rows.append(
            Penalty(
                complaint=complaint,
                person=head,
                role=PenaltyRole.HEAD,
                amount=amounts.head,
                month=month,
                created_at=now,
            )
        )
    return Penalty.objects.bulk_create(rows)


def record_valid_complaint_point(complaint: Complaint, *, now: dt.datetime) -> PointEvent | None:
    """SPEC.md §5.1: a valid complaint counts −0.5 against the merchant's recruiter, once."""
    if complaint.recruiter_id is None or complaint.point_events.filter(kind=PointKind.VALID_COMPLAINT).exists():
        return None
    return PointEvent.objects.create(
        complaint=complaint,
        recruiter_id=complaint.recruiter_id,
        kind=PointKind.VALID_COMPLAINT,
        points=-complaint.rules.points_valid_complaint,
        month=month_of(now),
        occurred_at=now,
    )


def record_good_review(complaint: Complaint, visit: FollowUpVisit, *, now: dt.datetime) -> PointEvent | None:
    """SPEC.md §5.1: a follow-up survey answered satisfied or better is a good review
    (美评), +0.5 for the merchant's recruiter."""
    if complaint.recruiter_id is None:
        return None
    return PointEvent.objects.create(
        complaint=complaint,
        recruiter_id=complaint.recruiter_id,
        kind=PointKind.GOOD_REVIEW,
        points=complaint.rules.points_good_review,
        visit=visit,
        month=month_of(now),
        occurred_at=now,
    )
