"""Credit rating (信用评级, SPEC.md §8): the grade in force for a merchant on a day.

The rule itself (the score from its factors) and the monthly computation are in
``settlement.services.credit``; this module is what other code reads: helper apps (the
settlement statement's grade A discount, the alliance's "grade A first") call
``grades_on``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from .models import CreditRating


def grades_on(merchant_ids: Iterable[int], day: dt.date) -> dict[int, str]:
    """Each merchant's grade of its latest rating dated on or before ``day`` (one query);
    merchants never rated by then are absent."""
    ids = list(set(merchant_ids))
    if not ids:
        return {}
    latest = (
        CreditRating.objects.filter(merchant_id=OuterRef("merchant_id"), as_of__lte=day)
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    rows = CreditRating.objects.filter(merchant_id__in=ids, as_of=Subquery(latest)).values_list("merchant_id", "grade")
    return dict(rows)


def latest_rating(merchant_id: int, day: dt.date) -> CreditRating | None:
    """The merchant's latest rating dated on or before ``day``, or None."""
    return CreditRating.objects.filter(merchant_id=merchant_id, as_of__lte=day).order_by("-as_of").first()
