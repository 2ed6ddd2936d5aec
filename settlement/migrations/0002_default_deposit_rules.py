import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed_default_deposit_rules(apps, schema_editor):
    """SPEC.md §8: the deposit by class at signing — class I 100 000, class II 50 000,
    class III 20 000 yuan; the balance refunded within 30 working days of termination."""
    DepositRuleSet = apps.get_model("settlement", "DepositRuleSet")
    DepositRuleSet.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "class_i": Decimal("100000.00"),
            "class_ii": Decimal("50000.00"),
            "class_iii": Decimal("20000.00"),
            "refund_working_days": 30,
            "note": "SPEC.md §8",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]

    operations = [migrations.RunPython(seed_default_deposit_rules, migrations.RunPython.noop)]
