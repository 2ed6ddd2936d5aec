"""SPEC.md §3 defaults: the standards per category and the authority bands."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# From the first day the product could hold records; admins add later versions.
EFFECTIVE_FROM = dt.date(2020, 1, 1)
STANDARDS = [
    # category, bank-card fee %, prepaid-card commission %
    ("supermarket", "1.00", "2.00"),
    ("dining_entertainment", "2.00", "10.00"),
    ("life_services", "2.00", "10.00"),
    ("leisure_fitness", "2.00", "13.00"),
    ("beauty_hair", "3.00", "15.00"),
]
BANDS = [
    # role, lower bound of the ratio %, bound included
    ("recruiter", "85", True),
    ("recruitment_head", "70", True),
    ("ops_director", "50", False),
    ("general_manager", "0", True),
]


def create_defaults(apps, schema_editor):
    CommissionStandard = apps.get_model("commissions", "CommissionStandard")
    AuthorityBandSet = apps.get_model("commissions", "AuthorityBandSet")
    AuthorityBand = apps.get_model("commissions", "AuthorityBand")
    for category, bank_card_fee, prepaid in STANDARDS:
        CommissionStandard.objects.get_or_create(
            category=category,
            effective_from=EFFECTIVE_FROM,
            defaults={
                "bank_card_fee": Decimal(bank_card_fee),
                "prepaid_commission": Decimal(prepaid),
                "note": "SPEC.md §3 default",
            },
        )
    band_set, created = AuthorityBandSet.objects.get_or_create(
        effective_from=EFFECTIVE_FROM, defaults={"note": "SPEC.md §3 default"}
    )
    if created:
        for role, min_ratio, inclusive in BANDS:
            AuthorityBand.objects.create(
                band_set=band_set, role=role, min_ratio=Decimal(min_ratio), min_inclusive=inclusive
            )


class Migration(migrations.Migration):
    dependencies = [("commissions", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
