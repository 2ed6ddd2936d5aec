import datetime as dt

from django.db import migrations


def seed_default_onboarding_rules(apps, schema_editor):
    """SPEC.md §1: check within 1 working day, review within 3, resubmit within 15
    calendar days, warn 30 days before a certificate expires, files up to 10 MB."""
    OnboardingRuleSet = apps.get_model("merchants", "OnboardingRuleSet")
    OnboardingRuleSet.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "check_working_days": 1,
            "review_working_days": 3,
            "resubmit_calendar_days": 15,
            "expiry_warning_days": 30,
            "max_document_mb": 10,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("merchants", "0004_onboarding_rule_set")]

    operations = [migrations.RunPython(seed_default_onboarding_rules, migrations.RunPython.noop)]
