"""A transactional test's flush empties the rows our data migrations made (rule tables,
standards, role groups); the suite's teardown replays them. Tested here directly, so no
test depends on the order the suite runs in."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from commissions.models import CommissionStandard
from merchants.models import OnboardingRuleSet
from scoring.models import ScoringRuleSet
from tests.conftest import _replay_data_migrations


@pytest.mark.django_db(transaction=True)
def test_it_restores_the_migrated_rows_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert not ScoringRuleSet.objects.exists()

    _replay_data_migrations()

    assert ScoringRuleSet.objects.exists()
    assert CommissionStandard.objects.exists()
    assert OnboardingRuleSet.objects.exists()
    assert Group.objects.filter(name="merchant").exists()


@pytest.mark.django_db(transaction=True)
def test_it_replays_idempotently():
    _replay_data_migrations()
    standards = CommissionStandard.objects.count()
    _replay_data_migrations()
    assert CommissionStandard.objects.count() == standards
