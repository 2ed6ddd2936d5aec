"""Credit points (商户信用积分, SPEC.md §9): every change a ``PointEntry`` with its reason.
+2 for taking part in an activity (−2 when the merchant withdraws), +1 to the referring
merchant per referred customer who spent. Redemptions are not built yet."""

from __future__ import annotations

from django.db.models import Sum

from .models import PointEntry, PointReason

PARTICIPATION_POINTS = 2
REFERRAL_POINTS = 1


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


def balance(merchant) -> int:
    return PointEntry.objects.filter(merchant=merchant).aggregate(total=Sum("points"))["total"] or 0
