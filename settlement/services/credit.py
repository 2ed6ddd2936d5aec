"""Credit rating (信用评级, SPEC.md §8): the score rule and the monthly computation.

``credit_score`` is the rule, pure: the counts of the last months and the rule set in, the
score and the factors that made it out. ``credit_grade`` is the grade of a score.
``credit_rate_month`` rates every signed merchant for a month in a fixed number of queries.

What counts, in the ``window_months`` (12) before the month's first day (Asia/Shanghai):
- a valid complaint: a complaint against the merchant whose investigation found it valid
  (its first valid investigation in the window; once per complaint, whatever the rounds);
- a rejected solution: each opinion of the merchant not accepting a solution;
- an unsatisfied survey: each follow-up visit answered unsatisfied or very unsatisfied
  (neutral counts neither way); a satisfied survey: satisfied or very satisfied;
- a settlement held for a dispute: each settlement dispute opened on one of its days;
- a full deposit held: on the eve of the month, received − approved deductions − refunds
  (the entries dated before the month) covers the required deposit (required > 0);
- tenure: full years from the signing day to the month's first day.

History is never rewritten: a month already rated keeps its rating — a recompute of that
month rates only the merchants still without one (the grade of a month is what the
month's settlement statements applied for the grade A discount, so changing it
afterwards would leave those statements without the grade that priced them).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import SATISFIED_ANSWERS, FollowUpVisit, Investigation, Opinion, Satisfaction
from merchants.models import Merchant
from workplace.rules import in_force

from ..models import (
    CreditGrade,
    CreditRating,
    CreditRuleSet,
    Deposit,
    EntryKind,
    EntryStatus,
    SettlementDispute,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UNSATISFIED_ANSWERS = frozenset({Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED})

# The factors' codes, as kept in ``CreditRating.factors``, and how a reader sees them.
FACTORS = {
    "start": _("Starting score"),
    "valid_complaint": _("Valid complaints"),
    "rejected_solution": _("Rejected solutions"),
    "unsatisfied_survey": _("Unsatisfied surveys"),
    "held_settlement": _("Settlements held for a dispute"),
    "satisfied_survey": _("Satisfied surveys"),
    "full_deposit": _("Full deposit held"),
    "tenure": _("Full years since signing"),
    "clamp": _("Kept within 0–100"),
}


@dataclass(frozen=True)
class CreditCounts:
    """What a merchant's last months hold, as the score rule reads it."""

    valid_complaints: int = 0
    rejected_solutions: int = 0
    unsatisfied_surveys: int = 0
    held_settlements: int = 0
    satisfied_surveys: int = 0
    full_deposit: bool = False
    full_years: int = 0


def credit_score(counts: CreditCounts, rules: CreditRuleSet) -> tuple[int, list[dict]]:
    """SPEC.md §8's score: the start, each factor's points (the satisfied surveys' and the
    tenure's capped), clamped to the rule set's range. The factors are
    ``[{"code", "count", "points"}]`` summing to the score (a clamp is a factor of its own);
    a factor that did not occur is left out."""
    factors = [{"code": "start", "count": 1, "points": rules.start}]

    def add(code, count, points):
        if count:
            factors.append({"code": code, "count": count, "points": points})

    add("valid_complaint", counts.valid_complaints, counts.valid_complaints * rules.valid_complaint)
    add("rejected_solution", counts.rejected_solutions, counts.rejected_solutions * rules.rejected_solution)
    add("unsatisfied_survey", counts.unsatisfied_surveys, counts.unsatisfied_surveys * rules.unsatisfied_survey)
    add("held_settlement", counts.held_settlements, counts.held_settlements * rules.held_settlement)
    add(
        "satisfied_survey",
        counts.satisfied_surveys,
        min(counts.satisfied_surveys * rules.satisfied_survey, rules.satisfied_survey_cap),
    )
    add("full_deposit", int(counts.full_deposit), rules.full_deposit)
    add("tenure", counts.full_years, min(counts.full_years * rules.tenure_year, rules.tenure_cap))
    raw = sum(f["points"] for f in factors)
    score = max(rules.minimum, min(rules.maximum, raw))
    if score != raw:
        factors.append({"code": "clamp", "count": 1, "points": score - raw})
    return score, factors


def credit_grade(score: int, rules: CreditRuleSet) -> str:
    """A ≥ 90, B ≥ 75, C ≥ 60, D below (the rule set's thresholds)."""
    if score >= rules.grade_a_from:
        return CreditGrade.A
    if score >= rules.grade_b_from:
        return CreditGrade.B
    if score >= rules.grade_c_from:
        return CreditGrade.C
    return CreditGrade.D


def full_years_between(signed: dt.date, on: dt.date) -> int:
    """Full years from ``signed`` to ``on`` (a 29 February signing completes a year on 1 March)."""
    if on < signed:
        return 0
    return on.year - signed.year - ((on.month, on.day) < (signed.month, signed.day))


def months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def credit_counts(*, merchants: list[Merchant], as_of: dt.date, rules: CreditRuleSet) -> dict[int, CreditCounts]:
    """Each merchant's counts for the month starting ``as_of`` (five queries, whatever the
    number of merchants)."""
    ids = [m.id for m in merchants]
    start, end = months_before(as_of, rules.window_months), as_of
    start_at, end_at = _midnight(start), _midnight(end)

    valid: dict[int, int] = {}
    for merchant_id, _first in (
        Investigation.objects.filter(complaint__merchant_id__in=ids, valid=True)
        .values("complaint_id", "complaint__merchant_id")
        .annotate(first=Min("at"))
        .filter(first__gte=start_at, first__lt=end_at)
        .values_list("complaint__merchant_id", "first")
        .order_by()
    ):
        valid[merchant_id] = valid.get(merchant_id, 0) + 1
    rejected = dict(
        Opinion.objects.filter(complaint__merchant_id__in=ids, accepted=False, at__gte=start_at, at__lt=end_at)
        .values("complaint__merchant_id")
        .annotate(n=Count("id"))
        .values_list("complaint__merchant_id", "n")
        .order_by()
    )
    surveys = {
        row["complaint__merchant_id"]: row
        for row in FollowUpVisit.objects.filter(
            complaint__merchant_id__in=ids, visited_on__gte=start, visited_on__lt=end
        )
        .values("complaint__merchant_id")
        .annotate(
            satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED_ANSWERS)),
            unsatisfied=Count("id", filter=Q(satisfaction__in=UNSATISFIED_ANSWERS)),
        )
        .order_by()
    }
    held = dict(
        SettlementDispute.objects.filter(merchant_id__in=ids, day__gte=start, day__lt=end)
        .values("merchant_id")
        .annotate(n=Count("id"))
        .values_list("merchant_id", "n")
        .order_by()
    )
    before = Q(entries__on__lt=end)
    deposits = {
        row["merchant_id"]: row
        for row in Deposit.objects.filter(merchant_id__in=ids)
        .values("merchant_id", "required")
        .annotate(
            received_sum=Sum("entries__amount", filter=before & Q(entries__kind=EntryKind.RECEIPT)),
            deducted_sum=Sum(
                "entries__amount",
                filter=before & Q(entries__kind=EntryKind.DEDUCTION, entries__status=EntryStatus.APPROVED),
            ),
            refunded_sum=Sum("entries__amount", filter=before & Q(entries__kind=EntryKind.REFUND)),
        )
        .order_by()
    }

    counts = {}
    for merchant in merchants:
        deposit = deposits.get(merchant.id)
        full = False
        if deposit and deposit["required"] > 0:
            balance = (deposit["received_sum"] or 0) - (deposit["deducted_sum"] or 0) - (deposit["refunded_sum"] or 0)
            full = balance >= deposit["required"]
        survey = surveys.get(merchant.id, {})
        counts[merchant.id] = CreditCounts(
            valid_complaints=valid.get(merchant.id, 0),
            rejected_solutions=rejected.get(merchant.id, 0),
            unsatisfied_surveys=survey.get("unsatisfied", 0),
            held_settlements=held.get(merchant.id, 0),
            satisfied_surveys=survey.get("satisfied", 0),
            full_deposit=full,
            full_years=full_years_between(timezone.localtime(merchant.signed_at, SHANGHAI).date(), as_of),
        )
    return counts


def rated_merchants(as_of: dt.date):
    """The merchants a month rates: signed before it, not terminated before it."""
    at = _midnight(as_of)
    return Merchant.objects.filter(signed_at__lt=at).filter(Q(terminated_at__isnull=True) | Q(terminated_at__gte=at))


def credit_rate_month(*, as_of: dt.date) -> int:
    """Rate every merchant of the month starting ``as_of`` (its first day) still without a
    rating for it; answers how many ratings were made. A rated month keeps its ratings."""
    if as_of.day != 1:
        as_of = as_of.replace(day=1)
    rules = in_force(CreditRuleSet, on=as_of)
    with transaction.atomic():
        merchants = list(
            rated_merchants(as_of).exclude(credit_ratings__as_of=as_of).only("id", "signed_at").order_by("id")
        )
        if not merchants:
            return 0
        counts = credit_counts(merchants=merchants, as_of=as_of, rules=rules)
        now = timezone.now()
        ratings = []
        for merchant in merchants:
            score, factors = credit_score(counts[merchant.id], rules)
            ratings.append(
                CreditRating(
                    merchant_id=merchant.id,
                    as_of=as_of,
                    score=score,
                    grade=credit_grade(score, rules),
                    factors=factors,
                    rule_set=rules,
                    computed_at=now,
                )
            )
        CreditRating.objects.bulk_create(ratings, ignore_conflicts=True)
    return len(ratings)


def factor_lines(rating: CreditRating) -> list[dict]:
    """A rating's factors as readers see them: ``[{"what", "points"}]`` in the active language."""
    lines = []
    for factor in rating.factors:
        label = FACTORS.get(factor["code"], factor["code"])
        what = str(label)
        if factor["code"] not in ("start", "clamp", "full_deposit") and factor.get("count"):
            what = f"{what} × {factor['count']}"
        lines.append({"what": what, "points": factor["points"]})
    return lines
