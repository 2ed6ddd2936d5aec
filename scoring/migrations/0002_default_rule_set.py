"""The default star-rating rule set of SPEC.md §2, in force from the start.

The numbers are written out here, not imported, so this migration keeps seeding the
same history whatever the code says later.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

DEFAULT_BANDS = {
    "area_sqm": [
        {"up_to": "50", "points": "0.5"},
        {"up_to": "100", "points": "0.6"},
        {"up_to": "300", "points": "0.7"},
        {"up_to": "800", "points": "0.8"},
        {"points": "1.0"},
    ],
    "registered_capital": [
        {"below": "100000", "points": "0.1"},
        {"up_to": "300000", "points": "0.2"},
        {"up_to": "1000000", "points": "0.3"},
        {"up_to": "5000000", "points": "0.4"},
        {"points": "0.5"},
    ],
    "staff_count": [
        {"below": "4", "points": "0.1"},
        {"up_to": "10", "points": "0.2"},
        {"up_to": "30", "points": "0.3"},
        {"up_to": "80", "points": "0.4"},
        {"points": "0.5"},
    ],
    "years_in_business": [
        {"below": "2", "points": "0.1"},
        {"below": "4", "points": "0.2"},
        {"below": "8", "points": "0.3"},
        {"below": "10", "points": "0.4"},
        {"points": "0.5"},
    ],
    "decoration": {"none": "0.1", "simple": "0.2", "standard": "0.3", "luxury": "0.4", "chain_style": "0.5"},
    "frequency": {"occasional": "1", "rare": "4", "average": "6", "high": "8", "very_high": "10"},
}


def seed_default_rule_set(apps, schema_editor):
    ScoringRuleSet = apps.get_model("scoring", "ScoringRuleSet")
    ScoringRuleSet.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "name": "商家加盟星级评估标准",
            "bands": DEFAULT_BANDS,
            "brand_min": 1,
            "brand_max": 5,
            "class_two_threshold": Decimal("12.00"),
            "note": "Defaults of SPEC.md §2.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(seed_default_rule_set, migrations.RunPython.noop)]
