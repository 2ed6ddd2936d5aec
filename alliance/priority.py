"""Who comes first when an activity's places are limited (SPEC.md §8: grade A merchants are
listed first for joint activities; §9: points buy priority in oversubscribed activities).

The order: grade A merchants first (their latest credit rating on the day,
``settlement.credit.grades_on``), then those who bought priority with credit points
(``Participation.priority_at``, ``alliance.redemptions.priority_buy``, at the dated
``PriorityPrice``), then the larger credit points balance, then who answered (or was
invited) first. An activity's invitations are listed in this order when it has a
limit of places; the waiting list (a merchant who accepts when every place is taken) is
served in it: when a participant withdraws, the first waiting merchant takes the place.
Nobody who holds a place loses it to a later, higher-ranked merchant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from settlement.credit import grades_on

from .models import PointEntry

GRADE_A = "A"


@dataclass(frozen=True)
class Ranking:
    """The grades and balances of a set of merchants on a day (two queries)."""

    grades: dict[int, str]
    balances: dict[int, int]

    @classmethod
    def of(cls, merchant_ids: Iterable[int], day: dt.date) -> Ranking:
        ids = sorted(set(merchant_ids))
        if not ids:
            return cls(grades={}, balances={})
        balances = dict(
            PointEntry.objects.filter(merchant_id__in=ids)
            .order_by()
            .values("merchant_id")
            .annotate(total=Sum("points"))
            .values_list("merchant_id", "total")
        )
        return cls(grades=grades_on(ids, day), balances=balances)

    def key(self, participation):
        """Sort key: grade A first, then priority bought, then the balance (larger first),
        then the earlier answer."""
        merchant_id = participation.merchant_id
        since = participation.waitlisted_at or participation.invited_at
        return (
            self.grades.get(merchant_id) != GRADE_A,
            participation.priority_at is None,
            -self.balances.get(merchant_id, 0),
            since,
            participation.pk,
        )

    def order(self, participations) -> list:
        return sorted(participations, key=self.key)


def listed(activity, participations, ranking: Ranking) -> list:
    """An activity's invitations as listed: in priority order when places are limited,
    in the order of invitation otherwise."""
    if activity.places is None:
        return sorted(participations, key=lambda p: p.pk)
    return ranking.order(participations)


def first_waiting(waiting, day: dt.date):
    """The waiting participation that takes a freed place, or ``None``."""
    waiting = list(waiting)
    if not waiting:
        return None
    return Ranking.of([p.merchant_id for p in waiting], day).order(waiting)[0]


def is_oversubscribed(activity, taken: int) -> bool:
    """An activity is oversubscribed when its places are limited and every one is taken
    (``taken`` merchants take part): whoever accepts now waits for a freed place, so
    priority is worth buying. Without a limit, or with a place free, it is not."""
    return activity.places is not None and taken >= activity.places
