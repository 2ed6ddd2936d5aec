import datetime as dt

from django.db import migrations


def seed_default_thresholds(apps, schema_editor):
    """Issue 10 §3 (seed 000: 预警阈值): alert when a district or recruiter is below 80 % of
    the plan's pace (judged from the 7th day of a plan or phase), when a merchant's terminal
    profit falls below 50 % of its 3-month average (averages from 100.00), when valid
    complaints exceed 3 per 100 active merchants in 30 days, or more than 5 complaints are
    overdue. The model's defaults are these values."""
    AlertRuleSet = apps.get_model("dashboards", "AlertRuleSet")
    AlertRuleSet.objects.get_or_create(effective_from=dt.date(2000, 1, 1))


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_alerts")]

    operations = [migrations.RunPython(seed_default_thresholds, migrations.RunPython.noop)]
