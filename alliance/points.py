"""Credit points (商户信用积分, SPEC.md §9): every change a ``PointEntry`` with its reason.
+2 for taking part in an activity (−2 when the merchant withdraws), +1 to the referring
merchant per referred customer who spent, +1 per satisfied survey of the merchant's
customers (a complaint's follow-up visit answered satisfied or better, connected from
``AllianceConfig.ready()``; one entry per survey). Redemptions (−50 for one month's POS
service fee of one terminal) are in ``alliance.redemptions``."""

from __future__ import annotations

from django.db.models import Sum

from .models import PointEntry, PointReason

PARTICIPATION_POINTS = 2
REFERRAL_POINTS = 1
SURVEY_POINTS = 1


def points_for_participation(*, participation, taking_part: bool) -> None:
    PointEntry.objects.create(
        merchant_id=participation.merchant_id,
        activity_id=participation.activity_id,
        points=PARTICIPATION_POINTS if taking_part else -PARTICIPATION_POINTS,
        reason=PointReason.PARTICIPATION if taking_part else PointReason.WITHDRAWAL,
    )


def points_for_referrals(referrals) -> None:
    PointEntry.objects.bulk_create(
        [
            PointEntry(
                merchant_id=r.from_merchant_id,
                activity_id=r.activity_id,
                referral=r,
                points=REFERRAL_POINTS,
                reason=PointReason.REFERRAL,
            )
            for r in referrals
            if r.spend > 0
        ]
    )


def points_for_survey(*, visit, merchant_id: int) -> None:
    """+1 for a satisfied survey; a survey already counted (or not satisfied) adds nothing.
    ``ignore_conflicts`` on the one-entry-per-survey index: a second signal for the same
    visit, even at the same instant, cannot add a second point."""
    if not visit.is_satisfied:
        return
    PointEntry.objects.bulk_create(
        [PointEntry(merchant_id=merchant_id, survey=visit, points=SURVEY_POINTS, reason=PointReason.SURVEY)],
        ignore_conflicts=True,
    )


def survey_recorded(sender, instance, created, raw=False, **kwargs) -> None:
    """``post_save`` of ``complaints.FollowUpVisit``: the survey's point for the merchant."""
    if raw or not instance.is_satisfied:
        return
    points_for_survey(visit=instance, merchant_id=instance.complaint.merchant_id)


def balance(merchant) -> int:
    return PointEntry.objects.filter(merchant=merchant).aggregate(total=Sum("points"))["total"] or 0
