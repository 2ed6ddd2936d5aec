"""Positive feedback about a merchant logged by customer service (SPEC.md §5.1): a good
review (美评) outside any complaint, +0.5 for the merchant's recruiter that month."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant, MerchantStatus
from workplace.exceptions import ApplicationError, NotPermitted

from ..models import PointEvent, PointKind
from .workflow import is_customer_service, local_date, month_of, rules_on


def positive_feedback_check(*, by, merchant: Merchant | None, note: str) -> None:
    """Refuse feedback that cannot count (``ApplicationError`` naming the field)."""
    if not is_customer_service(by):
        raise NotPermitted(_("Only customer service logs merchant feedback."))
    if not (note or "").strip():
        raise ApplicationError(_("Write down what the customer said."), field="note")
    if merchant is None:
        raise ApplicationError(_("Choose the merchant."), field="merchant")
    if merchant.status != MerchantStatus.ACTIVE:
        raise ApplicationError(_("Feedback counts only for an active merchant."), field="merchant")
    if merchant.recruiter_id is None:
        raise ApplicationError(_("This merchant has no recruiter to credit."), field="merchant")


def positive_feedback_log(*, by, merchant: Merchant, note: str, now: dt.datetime | None = None) -> PointEvent:
    """Log praise of ``merchant`` heard by customer service; its recruiter earns the good
    review points of the complaint rules in force today."""
    positive_feedback_check(by=by, merchant=merchant, note=note)
    note = note.strip()
    now = now or timezone.now()
    rules = rules_on(local_date(now))
    with transaction.atomic():
        return PointEvent.objects.create(
            merchant=merchant,
            recruiter_id=merchant.recruiter_id,
            kind=PointKind.GOOD_REVIEW,
            points=rules.points_good_review,
            note=note[:500],
            logged_by=by,
            month=month_of(now),
            occurred_at=now,
        )
