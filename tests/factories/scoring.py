"""Factories for the star rating: merchants to evaluate, evaluations made through the
service, and rule sets copied from the one in force."""

import datetime as dt
from decimal import Decimal

import factory

from merchants.models import Category, Merchant
from scoring.models import ScoringRuleSet
from scoring.services import evaluation_create

# The source's own sample column (SPEC.md §2): 13.70, class II.
WORKED_EXAMPLE = {
    "category": "dining_entertainment",
    "brand": 3,
    "decoration": "chain_style",
    "area_sqm": "900",
    "registered_capital": "2000000",
    "staff_count": 85,
    "years_in_business": "5",
    "frequency": "high",
    "large_or_chain": False,
}


class ScoringMerchantFactory(factory.django.DjangoModelFactory):
    """A merchant for the star-rating tests (the merchants app owns its own factories)."""

    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"阜阳测试商户{n}号")
    category = Category.DINING_ENTERTAINMENT


def make_evaluation(*, merchant=None, evaluator, **inputs):
    """An evaluation through the real service; inputs default to the worked example."""
    merchant = merchant or ScoringMerchantFactory(
        recruiter=evaluator, department=getattr(getattr(evaluator, "staff_profile", None), "department", None)
    )
    data = {**WORKED_EXAMPLE, "category": merchant.category, **inputs}
    return evaluation_create(merchant=merchant, evaluator=evaluator, data=data)


def make_rule_set(*, effective_from: dt.date, class_two_threshold=None, **band_changes) -> ScoringRuleSet:
    """A new rule set from ``effective_from``, a copy of the earliest one with changes."""
    base = ScoringRuleSet.objects.order_by("effective_from").first()
    bands = {**base.bands, **band_changes}
    return ScoringRuleSet.objects.create(
        name=f"规则 {effective_from}",
        effective_from=effective_from,
        bands=bands,
        brand_min=base.brand_min,
        brand_max=base.brand_max,
        class_two_threshold=(base.class_two_threshold if class_two_threshold is None else Decimal(class_two_threshold)),
    )
