"""Terminals keep a history of their installation and removal (who, when, why), written
by the terminal services. Terminals recorded before get their rows from what they
store: installed when recorded, removed on their removal date (by nobody known)."""

import datetime as dt
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SHANGHAI = ZoneInfo("Asia/Shanghai")


def backfill(apps, schema_editor):
    Terminal = apps.get_model("merchants", "Terminal")
    TerminalStatusChange = apps.get_model("merchants", "TerminalStatusChange")
    rows = []
    for terminal in Terminal.objects.order_by("pk").iterator():
        rows.append(
            TerminalStatusChange(
                terminal_id=terminal.pk, from_status="", to_status="installed", changed_at=terminal.created_at
            )
        )
        if terminal.removed_on:
            removed_at = dt.datetime.combine(terminal.removed_on, dt.time(0, 0), tzinfo=SHANGHAI)
            rows.append(
                TerminalStatusChange(
                    terminal_id=terminal.pk,
                    from_status="installed",
                    to_status="removed",
                    changed_at=max(removed_at, terminal.created_at),
                )
            )
    TerminalStatusChange.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0008_application_deadline_fallback_flags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TerminalStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("changed_at", models.DateTimeField(verbose_name="changed at")),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[("installed", "Installed"), ("removed", "Removed")],
                        max_length=30,
                        verbose_name="from",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[("installed", "Installed"), ("removed", "Removed")], max_length=30, verbose_name="to"
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "terminal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="status_changes",
                        to="merchants.terminal",
                        verbose_name="POS terminal",
                    ),
                ),
            ],
            options={
                "verbose_name": "terminal history entry",
                "verbose_name_plural": "terminal history",
                "ordering": ["changed_at", "id"],
                "abstract": False,
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
