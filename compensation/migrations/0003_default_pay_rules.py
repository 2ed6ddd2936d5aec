import datetime as dt

from django.db import migrations


def seed_default_pay_rules(apps, schema_editor):
    """SPEC.md §5: signings +4/+2/+1 by class; assessment pay −50 per point below 6, +10 per
    point from 6 to 10, +40 per point above 10; POS minimum profit 50 from the month two
    months after installation; quarterly bonus 1 % + 0.2 % per 50 of average above 50,
    capped at 2 %, churn above 10 % taking 0.2 % per full 10 points; year-end pool 0.5 % +
    0.1 % per 50 above 50, capped at 1.0 %; 3 months' service for the year-end bonus.
    The model's defaults are these values."""
    CompensationRuleSet = apps.get_model("compensation", "CompensationRuleSet")
    CompensationRuleSet.objects.get_or_create(effective_from=dt.date(2000, 1, 1))


class Migration(migrations.Migration):
    dependencies = [("compensation", "0002_payroll")]

    operations = [migrations.RunPython(seed_default_pay_rules, migrations.RunPython.noop)]
