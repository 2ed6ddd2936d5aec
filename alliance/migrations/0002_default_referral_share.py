import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed_default_referral_share(apps, schema_editor):
    """SPEC.md §9: the receiving merchant owes the referring one 5 % of the referred spend."""
    ReferralShare = apps.get_model("alliance", "ReferralShare")
    ReferralShare.objects.get_or_create(effective_from=dt.date(2000, 1, 1), defaults={"percent": Decimal("5.00")})


class Migration(migrations.Migration):
    dependencies = [("alliance", "0001_activities_and_referrals")]

    operations = [migrations.RunPython(seed_default_referral_share, migrations.RunPython.noop)]
