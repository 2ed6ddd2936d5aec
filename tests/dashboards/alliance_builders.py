"""Hand-built alliance data for the figures' tests: activities, invitations with their
answers and referrals written directly, so each test states exactly what it counts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from alliance.models import Activity, Participation, Referral
from alliance.referrals import referral_share
from tests.dashboards.builders import at, merchant_of

_numbers = itertools.count(1)
SHARE = Decimal("5.00")


def activity(creator, *, district="颍州区", starts="2026-12-01", ends="2026-12-31", title=None) -> Activity:
    return Activity.objects.create(
        title=title or f"{district}联合拓客{next(_numbers)}",
        starts_on=dt.date.fromisoformat(starts),
        ends_on=dt.date.fromisoformat(ends),
        district=district,
        created_by=creator,
    )


def invite(activity, merchant, *, answer: str | None = None) -> Participation:
    """An invitation of ``merchant``, ``answer`` one of None (no answer yet), "accepted",
    "declined", "waitlisted"."""
    moment = at(activity.starts_on.isoformat())
    return Participation.objects.create(
        activity=activity,
        merchant=merchant,
        invited_by=activity.created_by,
        accepted_at=moment if answer == "accepted" else None,
        declined_at=moment if answer == "declined" else None,
        waitlisted_at=moment if answer == "waitlisted" else None,
    )


def merchants_invited(activity, recruiter, count: int, *, answer: str | None = None) -> list:
    """``count`` signed merchants of ``recruiter`` in the activity's district, invited."""
    found = []
    for _index in range(count):
        merchant = merchant_of(recruiter, status="active", district=activity.district)
        invite(activity, merchant, answer=answer)
        found.append(merchant)
    return found


def refer(activity, from_merchant, to_merchant, spend="100.00", *, day=None) -> Referral:
    amount = Decimal(spend)
    return Referral.objects.create(
        activity=activity,
        from_merchant=from_merchant,
        to_merchant=to_merchant,
        customer_ref=f"C{next(_numbers):07d}",
        spend=amount,
        date=day or activity.starts_on,
        share_percent=SHARE,
        share=referral_share(amount, SHARE),
        recorded_by=activity.created_by,
    )
