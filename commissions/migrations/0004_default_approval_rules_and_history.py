"""SPEC.md §3 default of the approval rules (remind after 1 working day), from the same
first day as the other rule sets; and the status history of requests decided before it
existed (one row per closed request, from its last decided step)."""

import datetime as dt

from django.db import migrations

EFFECTIVE_FROM = dt.date(2000, 1, 1)


def create_defaults(apps, schema_editor):
    ApprovalRuleSet = apps.get_model("commissions", "ApprovalRuleSet")
    ApprovalRuleSet.objects.get_or_create(
        effective_from=EFFECTIVE_FROM, defaults={"reminder_working_days": 1, "note": "SPEC.md §3 default"}
    )


def backfill_history(apps, schema_editor):
    RateRequest = apps.get_model("commissions", "RateRequest")
    ApprovalStep = apps.get_model("commissions", "ApprovalStep")
    RateRequestStatusChange = apps.get_model("commissions", "RateRequestStatusChange")
    closed = RateRequest.objects.filter(status__in=["approved", "rejected"], status_changes__isnull=True)
    for request in closed.iterator():
        last = ApprovalStep.objects.filter(request=request, decided_at__isnull=False).order_by("-position").first()
        RateRequestStatusChange.objects.create(
            request=request,
            from_status="pending",
            to_status=request.status,
            reason=(last.comment if last and request.status == "rejected" else ""),
            changed_by_id=last.decided_by_id if last else None,
            changed_at=(last.decided_at if last else None) or request.closed_at or request.created_at,
        )


def create(apps, schema_editor):
    create_defaults(apps, schema_editor)
    backfill_history(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("commissions", "0003_approval_rules_status_history_acting_reason")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
