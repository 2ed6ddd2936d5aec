import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed_default_complaint_rules(apps, schema_editor):
    """SPEC.md §4 and §5.1: reply, solution and first follow-up within 3 working days, the
    panel within 7; visits product quality 2, service quality 1, other 1; penalties
    50/25 (accepted) and 100/50 (rejected or unsatisfied); points 0.5; quiet 21:00–08:00."""
    ComplaintRuleSet = apps.get_model("complaints", "ComplaintRuleSet")
    ComplaintRuleSet.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "reply_working_days": 3,
            "solution_working_days": 3,
            "follow_up_working_days": 3,
            "panel_working_days": 7,
            "visits_product_quality": 2,
            "visits_service_quality": 1,
            "visits_other": 1,
            "penalty_accepted_responsible": Decimal("50.00"),
            "penalty_accepted_head": Decimal("25.00"),
            "penalty_rejected_responsible": Decimal("100.00"),
            "penalty_rejected_head": Decimal("50.00"),
            "points_valid_complaint": Decimal("0.50"),
            "points_good_review": Decimal("0.50"),
            "quiet_from": dt.time(21, 0),
            "quiet_until": dt.time(8, 0),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaint_workflow")]

    operations = [migrations.RunPython(seed_default_complaint_rules, migrations.RunPython.noop)]
