"""The seeded rule sets read as the initial rules, never by their 2000-01-01 placeholder."""

import datetime as dt

import pytest
from django.utils import translation

from commissions.models import ApprovalRuleSet
from merchants.models import OnboardingRuleSet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [OnboardingRuleSet, ApprovalRuleSet])
def test_the_seeded_rule_set_reads_as_the_initial_rules(model):
    seeded = model.objects.get(effective_from=dt.date(2000, 1, 1))
    with translation.override("zh-hans"):
        assert str(seeded) == "初始规则，最早生效"
    with translation.override("en"):
        assert str(seeded) == "initial rules, in force from the start"


def test_a_later_rule_set_reads_with_its_date():
    later = OnboardingRuleSet.objects.create(effective_from=dt.date(2027, 1, 1))
    with translation.override("zh-hans"):
        assert str(later) == "自 2027-01-01 起生效"
    with translation.override("en"):
        assert str(later) == "in force since 2027-01-01"
