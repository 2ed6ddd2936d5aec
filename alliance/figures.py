"""What the alliance reports (SPEC.md §9 "Reported", issues 10 and 12): per joint activity
and per district, over a period.

The rules, each a pure function of counts:

- participation rate = participants ÷ invited (target at least 60 %);
- resource-sharing rate = participants who referred ÷ participants (target at least 40 %);
- conversion = referred customers who spent ÷ referred customers (target at least 12 %);
- revenue shared = the sum of the referral shares (``Referral.share``, 5 % of the spend).

A rate is ``part`` ÷ ``whole`` in percent, ``Decimal`` with 2 places rounded ROUND_HALF_UP,
``None`` when the whole is 0 (an activity with nobody invited has no participation rate);
a rate meets its target when it is at least the target.

What is counted, for one activity:

- invited: every invitation (``Participation`` row), whatever its answer;
- participants: the invitations accepted (``accepted_at`` set) — a merchant on the
  waiting list or who declined or withdrew is not a participant;
- participants who referred: participants with at least one referral of the activity as
  its ``from_merchant`` (the import only records referrals between participants, and a
  merchant with referrals cannot withdraw, so this is every merchant who referred);
- referred customers: the activity's referrals (one row per customer reference);
- who spent: those of them with a spend above 0.

An activity is counted whole: its figures are the same for every reader who sees it, and
the records behind them (``invitations``, ``participants``, ``referrers``, ``referred``,
``converted``) list exactly what the counts count. A district's figures are the sums of its
activities' counts (a merchant taking part in two of its activities counts twice, one
participation each), the rates taken over those sums.

Which activities: those overlapping the period (starting on or before its last day and
ending on or after its first), among those the reader sees (``alliance.selectors.
activities_for_user``): a recruiter, the activities they created and those with one of
their own merchants invited; a recruitment head, the activities they created and those
with a merchant of their department invited (one a recruiter of the department created
counts once it invites such a merchant); the operations director, the general manager, admins and customer
service, every activity. ``districts`` narrows them to the activities held in those
districts (the names a region covers); ``recruiter``, to those the recruiter created or
with one of the recruiter's merchants invited.

The figures of any number of activities take one query (``activity_figures``); the
districts' and the total are added up from them in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from . import selectors
from .models import Activity, Participation, Referral

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The seed's targets (002: 参与率 ≥ 60 %, 资源共享率 ≥ 40 %, 转化率 ≥ 12 %). Reported, not enforced.
PARTICIPATION_TARGET = Decimal("60.00")
RESOURCE_SHARING_TARGET = Decimal("40.00")
CONVERSION_TARGET = Decimal("12.00")


# --- the rules ------------------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, 2 places ROUND_HALF_UP; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def participation_rate(participants: int, invited: int) -> Decimal | None:
    """Participation rate (参与率): participants ÷ invited merchants."""
    return rate(participants, invited)


def resource_sharing_rate(referrers: int, participants: int) -> Decimal | None:
    """Resource-sharing rate (资源共享率): participants who referred ÷ participants."""
    return rate(referrers, participants)


def conversion_rate(converted: int, referred: int) -> Decimal | None:
    """Conversion (转化率): referred customers who spent ÷ referred customers."""
    return rate(converted, referred)


def meets_target(value: Decimal | None, target: Decimal) -> bool | None:
    """Whether a rate meets its target (at least the target); None without a rate."""
    return None if value is None else value >= target


# --- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The counts of one activity, a district or all of them, and the rates they give."""

    invited: int = 0
    participants: int = 0
    referrers: int = 0
    referred: int = 0
    converted: int = 0
    revenue_shared: Decimal = ZERO

    @property
    def participation_rate(self) -> Decimal | None:
        return participation_rate(self.participants, self.invited)

    @property
    def resource_sharing_rate(self) -> Decimal | None:
        return resource_sharing_rate(self.referrers, self.participants)

    @property
    def conversion_rate(self) -> Decimal | None:
        return conversion_rate(self.converted, self.referred)

    @property
    def participation_met(self) -> bool | None:
        return meets_target(self.participation_rate, PARTICIPATION_TARGET)

    @property
    def resource_sharing_met(self) -> bool | None:
        return meets_target(self.resource_sharing_rate, RESOURCE_SHARING_TARGET)

    @property
    def conversion_met(self) -> bool | None:
        return meets_target(self.conversion_rate, CONVERSION_TARGET)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            invited=self.invited + other.invited,
            participants=self.participants + other.participants,
            referrers=self.referrers + other.referrers,
            referred=self.referred + other.referred,
            converted=self.converted + other.converted,
            revenue_shared=self.revenue_shared + other.revenue_shared,
        )


@dataclass(frozen=True)
class ActivityFigures:
    activity: Activity
    figures: Figures


@dataclass(frozen=True)
class DistrictFigures:
    district: str
    activities: int
    figures: Figures


def total(rows: Iterable[ActivityFigures | DistrictFigures]) -> Figures:
    return sum((row.figures for row in rows), Figures())


# --- which activities, and the records behind each count ------------------------------------


def activities_for_figures(
    user,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    districts: Iterable[str] | QuerySet | None = None,
    recruiter: int | None = None,
) -> QuerySet[Activity]:
    """The activities ``user`` sees that overlap ``starts_on``–``ends_on`` (see the module)."""
    activities = selectors.activities_for_user(user).filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if districts is not None:
        activities = activities.filter(district__in=districts)
    if recruiter is not None:
        theirs = Participation.objects.filter(merchant__recruiter_id=recruiter).values("activity_id")
        activities = activities.filter(Q(created_by_id=recruiter) | Q(pk__in=theirs))
    return activities


def _of(activities) -> Q:
    """The condition on a row's activity: one of ``activities`` (a queryset of them) or
    the outer query's (an ``OuterRef``)."""
    if isinstance(activities, OuterRef):
        return Q(activity=activities)
    return Q(activity__in=activities)


def invitations(activities) -> QuerySet[Participation]:
    return Participation.objects.filter(_of(activities))


def participants(activities) -> QuerySet[Participation]:
    return invitations(activities).filter(accepted_at__isnull=False)


def referrers(activities) -> QuerySet[Participation]:
    """The participants with at least one referral of their activity as the referring merchant."""
    referred_by = Referral.objects.filter(activity=OuterRef("activity"), from_merchant=OuterRef("merchant"))
    return participants(activities).filter(Exists(referred_by))


def referred(activities) -> QuerySet[Referral]:
    return Referral.objects.filter(_of(activities))


def converted(activities) -> QuerySet[Referral]:
    return referred(activities).filter(spend__gt=0)


RECORDS = {
    "invited": invitations,
    "participants": participants,
    "referrers": referrers,
    "referred": referred,
    "converted": converted,
}


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("activity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _shared(queryset: QuerySet) -> Coalesce:
    money = DecimalField(max_digits=12, decimal_places=2)
    summed = queryset.order_by().values("activity").annotate(total=Sum("share")).values("total")
    return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)


def activity_figures(activities: QuerySet[Activity]) -> list[ActivityFigures]:
    """Each activity's figures, by district, then start, then id. One query."""
    outer = OuterRef("pk")
    annotated = activities.annotate(
        figure_invited=_count(invitations(outer)),
        figure_participants=_count(participants(outer)),
        figure_referrers=_count(referrers(outer)),
        figure_referred=_count(referred(outer)),
        figure_converted=_count(converted(outer)),
        figure_shared=_shared(referred(outer)),
    ).order_by("district", "starts_on", "id")
    return [
        ActivityFigures(
            activity=activity,
            figures=Figures(
                invited=activity.figure_invited,
                participants=activity.figure_participants,
                referrers=activity.figure_referrers,
                referred=activity.figure_referred,
                converted=activity.figure_converted,
                revenue_shared=activity.figure_shared.quantize(CENT, rounding=ROUND_HALF_UP),
            ),
        )
        for activity in annotated
    ]


def district_figures(rows: Iterable[ActivityFigures]) -> list[DistrictFigures]:
    """The activities' figures added up per district, by district name."""
    by_district: dict[str, list[ActivityFigures]] = {}
    for row in rows:
        by_district.setdefault(row.activity.district, []).append(row)
    return [
        DistrictFigures(district=district, activities=len(found), figures=total(found))
        for district, found in sorted(by_district.items())
    ]
