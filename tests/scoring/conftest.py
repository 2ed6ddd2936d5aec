import importlib

import pytest
from django.apps import apps

from scoring.models import ScoringRuleSet

# Browser tests run in transactions that end with a flush, which also empties the rows
# data migrations seeded; put the default rule set back the way the migration does.
_seed = importlib.import_module("scoring.migrations.0002_default_rule_set").seed_default_rule_set


@pytest.fixture(autouse=True)
def default_rule_set(db):
    if not ScoringRuleSet.objects.exists():
        _seed(apps, None)
    return ScoringRuleSet.objects.order_by("effective_from").first()
