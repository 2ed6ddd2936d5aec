"""Who owned each merchant when, for pay (SPEC.md §5.4, §5.5).

A merchant's owner for pay is its recruiter, changed only by a ``Handover``: before the
first handover the leaver of that handover owned it, from it on the successor. A handover
where the leaver keeps maintaining the merchant does not move it: the leaver keeps it in
full, in the quarter of the move and after. The functions here are pure over the rows
that ``load_stints`` reads in one query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..models import Handover

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Stint:
    """``owner_id`` owned the merchant from ``start`` to ``end`` (inclusive; ``None``: open)."""

    owner_id: int
    start: dt.date | None
    end: dt.date | None
    # The handover that began this stint (its leaver shares the days of its quarter).
    handover_id: int | None = None
    leaver_id: int | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return (self.start is None or self.start <= last) and (self.end is None or first <= self.end)


def stints_of(recruiter_id: int | None, handovers: Iterable) -> list[Stint]:
    """The owners of one merchant over time, from its current recruiter and its handovers
    (objects with ``effective_on``, ``leaver_id``, ``successor_id``, ``keeps_maintaining``,
    ``pk``), in date order."""
    ordered = sorted(handovers, key=lambda h: (h.effective_on, h.pk))
    moves = [h for h in ordered if not h.keeps_maintaining]
    if not moves:
        # Only handovers the leaver keeps maintaining (or none): the first owner keeps it.
        owner = ordered[0].leaver_id if ordered else recruiter_id
        return [Stint(owner_id=owner, start=None, end=None)] if owner else []
    stints = []
    start = None
    leaver_of_start = None
    handover_of_start = None
    for move in moves:
        stints.append(
            Stint(
                owner_id=move.leaver_id,
                start=start,
                end=move.effective_on - ONE_DAY,
                handover_id=handover_of_start,
                leaver_id=leaver_of_start,
            )
        )
        start, leaver_of_start, handover_of_start = move.effective_on, move.leaver_id, move.pk
    stints.append(
        Stint(
            owner_id=moves[-1].successor_id,
            start=start,
            end=None,
            handover_id=handover_of_start,
            leaver_id=leaver_of_start,
        )
    )
    return stints


def load_stints(merchants: Iterable[tuple[int, int | None]]) -> dict[int, list[Stint]]:
    """``{merchant_id: stints}`` for ``(merchant_id, recruiter_id)`` pairs: one query for
    the handovers of those merchants that have any."""
    merchants = list(merchants)
    by_merchant = defaultdict(list)
    if merchants:
        for handover in Handover.objects.filter(merchant_id__in=[m for m, _ in merchants]).only(
            "id", "merchant_id", "leaver_id", "successor_id", "effective_on", "keeps_maintaining"
        ):
            by_merchant[handover.merchant_id].append(handover)
    return {
        merchant_id: stints_of(recruiter_id, by_merchant.get(merchant_id, ()))
        for merchant_id, recruiter_id in merchants
    }


def owner_on(stints: list[Stint], day: dt.date) -> int | None:
    for stint in stints:
        if stint.covers(day):
            return stint.owner_id
    return None


def owners_between(stints: list[Stint], first: dt.date, last: dt.date) -> set[int]:
    """Everyone who owned the merchant on some day from ``first`` to ``last``."""
    return {stint.owner_id for stint in stints if stint.overlaps(first, last)}


def sharers_between(stints: list[Stint], first: dt.date, last: dt.date, period: tuple[dt.date, dt.date]) -> set[int]:
    """Everyone with a share of the merchant's days from ``first`` to ``last`` inside
    ``period`` (its first and last day): the owners, and the leaver of a handover inside
    the period, who shares the days after it (``period_shares``)."""
    sharers = set()
    for stint in stints:
        if not stint.overlaps(first, last):
            continue
        sharers.add(stint.owner_id)
        if stint.leaver_id is not None and stint.start is not None and period[0] <= stint.start <= period[1]:
            sharers.add(stint.leaver_id)
    return sharers


def period_shares(stints: list[Stint], first: dt.date, last: dt.date) -> dict[int, Decimal]:
    """Each owner's share of a merchant's bonus over ``first``–``last`` (a quarter),
    summing to 1 (SPEC.md §5.5): a day owned by someone who took the merchant over by a
    handover inside the period is split equally between them and the leaver; every other
    day belongs to its owner alone. One handover on day T: the leaver has the days before
    T alone and half of the rest, the successor the other half (``rules.handover_shares``)."""
    days = (last - first).days + 1
    weights: dict[int, Decimal] = defaultdict(Decimal)
    half = Decimal("0.5")
    for stint in stints:
        if not stint.overlaps(first, last):
            continue
        start = max(first, stint.start) if stint.start else first
        end = min(last, stint.end) if stint.end else last
        count = Decimal((end - start).days + 1)
        if stint.leaver_id is not None and stint.start is not None and first <= stint.start <= last:
            weights[stint.owner_id] += count * half
            weights[stint.leaver_id] += count * half
        else:
            weights[stint.owner_id] += count
    total = Decimal(days)
    return {owner: weight / total for owner, weight in weights.items() if weight}
