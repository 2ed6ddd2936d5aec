"""Hand-built dashboard data: rows written directly with the moments the figures read,
so each test states exactly what it counts."""

from __future__ import annotations

import datetime as dt
import itertools

from commissions.models import RateRequest, RequestStatus
from complaints.models import Complaint, ComplaintRuleSet, ComplaintStatus
from merchants.models import ApplicationStatus, ApplicationStatusChange
from tests.factories.merchants import ApplicationFactory, MerchantFactory
from workplace.calendar import SHANGHAI

_numbers = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment of a day, Asia/Shanghai."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


def merchant_of(recruiter, **fields):
    department = recruiter.staff_profile.department if recruiter is not None else None
    return MerchantFactory(recruiter=recruiter, department=department, **fields)


def application(recruiter, *moves: tuple[str, str]):
    """An application of a merchant of ``recruiter`` that went through ``moves``
    (``(status, "YYYY-MM-DD")``, in order); its status is the last move's."""
    app = ApplicationFactory(merchant=merchant_of(recruiter), status=moves[-1][0] if moves else "draft")
    previous = ApplicationStatus.DRAFT
    for status, day in moves:
        ApplicationStatusChange.objects.create(
            application=app, from_status=previous, to_status=status, changed_at=at(day)
        )
        previous = status
    return app


def decided(recruiter, outcome: str, day: str, submitted: str | None = None):
    """An application submitted (by default the day before), reviewed and ``outcome``."""
    submitted = submitted or (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    return application(
        recruiter,
        (ApplicationStatus.SUBMITTED, submitted),
        (ApplicationStatus.AUTO_CHECK, submitted),
        (ApplicationStatus.IN_REVIEW, submitted),
        (outcome, day),
    )


def complaint(recruiter, *, cs, received: dt.datetime, status=ComplaintStatus.RECEIVED, **fields):
    rules = ComplaintRuleSet.objects.order_by("effective_from").first() or ComplaintRuleSet.objects.create(
        effective_from=dt.date(2020, 1, 1)
    )
    return Complaint.objects.create(
        number=f"TS{next(_numbers):06d}",
        merchant=merchant_of(recruiter),
        type="service_quality",
        description="收银员态度恶劣",
        status=status,
        received_at=received,
        received_by=cs,
        rules=rules,
        **fields,
    )


def rate_request(recruiter, *, created: dt.datetime, status=RequestStatus.PENDING, closed=None):
    merchant = merchant_of(recruiter)
    request = RateRequest.objects.create(
        kind="prepaid",
        merchant=merchant,
        department=merchant.department,
        category=merchant.category,
        required_role="recruitment_head",
        reason="新店开业",
        status=status,
        requested_by=recruiter,
        closed_at=closed,
    )
    # ``created_at`` is auto_now_add: set the moment the test means afterwards.
    RateRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request
