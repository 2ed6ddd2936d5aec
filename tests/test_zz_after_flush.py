import pytest
from django.contrib.auth.models import Group

from commissions.models import CommissionStandard
from scoring.models import ScoringRuleSet


@pytest.mark.django_db
def test_zz_seeded_rows_survive_transactional_tests():
    assert ScoringRuleSet.objects.exists()
    assert CommissionStandard.objects.exists()
    assert Group.objects.filter(name="merchant").exists()
