"""Each working-day deadline keeps the calendar's fallback flag (SPEC.md §7).

Existing rows are backfilled from what their deadline counted: the days after its start
(submission for the system check, entering review for the review) up to its due date.
The flag is set when one of those days falls in a year neither the chinese-calendar
library nor an admin (a published ``CalendarYear``) knows — the same rule as
``workplace.calendar``, written here against the historical models so this migration
does not change when the calendar module does.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db import migrations, models

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def backfill(apps, schema_editor):
    Application = apps.get_model("merchants", "Application")
    CalendarYear = apps.get_model("workplace", "CalendarYear")
    published = set(CalendarYear.objects.values_list("year", flat=True))
    known: dict[int, bool] = {}

    def counted_a_fallback_day(start, due) -> bool:
        due_date = due.astimezone(SHANGHAI).date()
        first = start.astimezone(SHANGHAI).date() + dt.timedelta(days=1) if start else due_date
        for year in range(min(first, due_date).year, due_date.year + 1):
            if year not in known:
                known[year] = _library_knows(year) or year in published
            if not known[year]:
                return True
        return False

    flagged = []
    rows = Application.objects.filter(models.Q(check_due__isnull=False) | models.Q(review_due__isnull=False))
    for application in rows.only("pk", "submitted_at", "check_due", "review_started_at", "review_due").iterator():
        application.check_due_fallback = bool(
            application.check_due and counted_a_fallback_day(application.submitted_at, application.check_due)
        )
        application.review_due_fallback = bool(
            application.review_due and counted_a_fallback_day(application.review_started_at, application.review_due)
        )
        if application.check_due_fallback or application.review_due_fallback:
            flagged.append(application)
    Application.objects.bulk_update(flagged, ["check_due_fallback", "review_due_fallback"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0007_onboarding_rules_media_limit_and_escalation_offsets"),
        ("workplace", "0002_role_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="check_due_fallback",
            field=models.BooleanField(default=False, verbose_name="system check due counted fallback days"),
        ),
        migrations.AddField(
            model_name="application",
            name="review_due_fallback",
            field=models.BooleanField(default=False, verbose_name="review due counted fallback days"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
