"""Reads of the star rating: the rule set in force and evaluations, scoped by user."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from workplace.roles import is_staff_member
from workplace.rules import in_force

from .models import Evaluation, ScoringRuleSet


def rule_set_in_force(on: dt.date | None = None) -> ScoringRuleSet:
    """The rule set whose ``effective_from`` is the latest one on or before ``on``
    (today in Asia/Shanghai by default), read through ``workplace.rules.in_force``: from
    a cache that a new rule set invalidates; ``RuleNotInForce`` (409) when none is."""
    return in_force(ScoringRuleSet, on)


def latest_evaluation(merchant) -> Evaluation | None:
    """The merchant's current star evaluation (the newest), or None."""
    return (
        Evaluation.objects.filter(merchant=merchant).select_related("rule_set").order_by("-created_at", "-id").first()
    )


def evaluation_at(merchant, moment: dt.datetime) -> Evaluation | None:
    """The evaluation on file at ``moment`` (e.g. when the merchant signed: that class
    counts for the recruiter's points), or None."""
    return (
        Evaluation.objects.filter(merchant=merchant, created_at__lte=moment)
        .select_related("rule_set")
        .order_by("-created_at", "-id")
        .first()
    )


def evaluations_for_user(user) -> QuerySet[Evaluation]:
    """The evaluations ``user`` may see: those of the merchants they may see. Evaluations
    are internal assessments, so merchants themselves see none."""
    from merchants.selectors import merchants_for_user

    if not is_staff_member(user):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(merchant__in=merchants_for_user(user).values("pk")).select_related(
        "merchant", "evaluator", "rule_set"
    )


def evaluations_of_merchant(merchant) -> QuerySet[Evaluation]:
    """Every version of a merchant's evaluation, newest first."""
    return Evaluation.objects.filter(merchant=merchant).select_related("evaluator", "rule_set")
