"""Onboarding deadlines (SPEC.md §1.5): when each is due, the escalation chain, the job that reminds, escalates and expires."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workplace.calendar import SHANGHAI, due_at, end_of_day
from workplace.exceptions import InvalidTransition
from workplace.notifications import notify
from workplace.roles import Role

from ..models import (
    CHECK_STATUSES,
    REVIEW_STATUSES,
    Application,
    ApplicationStatus,
)
from ..selectors import onboarding_rules
from .workflow import (
    RoleDirectory,
    _format_moment,
    _notify_merchant,
    application_transition,
    department_head,
    review_assignees,
    review_url,
)

logger = logging.getLogger(__name__)

# Reasons written by earlier versions stay in histories (history is never rewritten); they
# keep their translation.
EARLIER_REASONS = (gettext_noop("Not resubmitted within 15 days."),)


def resubmit_deadline(moment: dt.datetime) -> dt.datetime:
    """End of the N-th calendar day (15 by default) after ``moment`` (Asia/Shanghai)."""
    local_date = moment.astimezone(SHANGHAI).date()
    days = onboarding_rules(local_date).resubmit_calendar_days
    return end_of_day(local_date + dt.timedelta(days=days))


def check_deadline(moment: dt.datetime) -> dt.datetime:
    """The system check finishes within N working days (1 by default) of submission."""
    return due_at(moment, onboarding_rules(moment.astimezone(SHANGHAI).date()).check_working_days)


def review_deadline(moment: dt.datetime) -> dt.datetime:
    """A reviewer decides within N working days (3 by default) of entering in_review."""
    return due_at(moment, onboarding_rules(moment.astimezone(SHANGHAI).date()).review_working_days)


def escalation_chain(application: Application, directory: RoleDirectory | None = None) -> list[list]:
    """Levels to notify about an overdue application, lowest first (SPEC.md §1.5:
    reviewer → recruitment head → operations director). A level that would repeat the
    previous people is skipped."""
    directory = directory or RoleDirectory()
    levels = [review_assignees(application, directory)]
    department = application.merchant.department
    if department is None and application.assignee is not None:
        profile = getattr(application.assignee, "staff_profile", None)
        department = profile.department if profile else None
    head = department_head(department)
    heads = [head] if head is not None else directory.users(Role.RECRUITMENT_HEAD)
    directors = []
    if head is not None:
        profile = getattr(head, "staff_profile", None)
        manager = profile.manager if profile else None
        if manager is not None and directory.has_role(manager, Role.OPS_DIRECTOR):
            directors = [manager]
    directors = directors or directory.users(Role.OPS_DIRECTOR)
    for level in (heads, directors):
        if level and {user.pk for user in level} != {user.pk for user in levels[-1]}:
            levels.append(level)
    return levels


@transaction.atomic
def application_expire(*, application: Application, now: dt.datetime | None = None) -> bool:
    """Expire a needs_changes application whose resubmission deadline has passed."""
    now = now or timezone.now()
    if application.status != ApplicationStatus.NEEDS_CHANGES or not application.resubmit_due:
        return False
    if application.resubmit_due >= now:
        return False
    # The period is the one the deadline was given with: the rule set in force when the
    # application was sent back.
    sent_back = (application.status_changed_at or now).astimezone(SHANGHAI).date()
    days = onboarding_rules(sent_back).resubmit_calendar_days
    try:
        application_transition(
            application=application,
            to_status=ApplicationStatus.EXPIRED,
            # Stored untranslated, shown in the reader's language.
            reason=gettext_noop("Not resubmitted by the deadline."),
        )
    except InvalidTransition:
        return False
    _notify_merchant(
        application,
        kind="application_expired",
        title=_("Your application has expired"),
        body=_("It was not resubmitted within %(days)s days. You may start a new application.") % {"days": days},
        dedupe_key=f"merchants:application:{application.pk}:expired",
    )
    return True


# --- deadlines (SPEC.md §1.5) ------------------------------------------------------

# Statuses in which each deadline runs, and the field holding it.
DEADLINES = {
    "system_check": (CHECK_STATUSES, "check_due"),
    "review": (REVIEW_STATUSES, "review_due"),
}


def escalation_level_due(due: dt.datetime, level: int) -> dt.datetime:
    """When level ``level`` is notified about a deadline ``due``: the reminder (level 0)
    once it has passed; the recruitment head and the operations director after the
    working days of the rule set in force on the deadline's date (1 and 2 by default)."""
    from workplace.calendar import add_working_days

    if level == 0:
        return due
    day = due.astimezone(SHANGHAI).date()
    return add_working_days(day, onboarding_rules(day).escalation_working_days(level)).deadline


def onboarding_deadlines_process(*, now: dt.datetime | None = None) -> dict:
    """Remind, escalate and expire from the database state, so a missed run catches up
    and a repeated one sends nothing twice (each notice has a dedupe key).

    Overdue system checks and reviews: the assignee is reminded when the deadline passes,
    then each working day later the next level up (recruitment head, then operations
    director) is told. Needs-changes applications past their resubmission deadline expire.
    Notices already sent are looked up in one query, so a run with nothing new to say
    costs the same whatever the number of overdue applications.
    """
    from workplace.models import Notification

    now = now or timezone.now()
    sent = {"reminders": 0, "escalations": 0, "expired": 0}
    directory = RoleDirectory()
    due_notices = []
    level_due_cache: dict[tuple, dt.datetime] = {}  # the calendar, asked once per date
    for deadline_kind, (statuses, field) in DEADLINES.items():
        overdue = (
            Application.objects.filter(status__in=statuses, **{f"{field}__lt": now})
            .select_related(
                "merchant__recruiter",
                "merchant__department__head__staff_profile__manager",
                "assignee__staff_profile__department__head__staff_profile__manager",
            )
            .order_by("pk")
        )
        for application in overdue:
            due = getattr(application, field)
            for level, recipients in enumerate(escalation_chain(application, directory)):
                key = (due.astimezone(SHANGHAI).date(), level)
                if level and key not in level_due_cache:
                    level_due_cache[key] = escalation_level_due(due, level)
                if now <= (level_due_cache[key] if level else due):
                    break
                for recipient in recipients:
                    dedupe_key = _deadline_key(application, deadline_kind, due, level, recipient)
                    due_notices.append((dedupe_key, application, deadline_kind, due, level, recipient))
    already = set(
        Notification.objects.filter(dedupe_key__in=[notice[0] for notice in due_notices]).values_list(
            "dedupe_key", flat=True
        )
    )
    for dedupe_key, application, deadline_kind, due, level, recipient in due_notices:
        if dedupe_key in already:
            continue
        if _deadline_notice(application, deadline_kind, due, level, recipient, dedupe_key):
            sent["escalations" if level else "reminders"] += 1
    expiring = Application.objects.filter(status=ApplicationStatus.NEEDS_CHANGES, resubmit_due__lt=now).select_related(
        "merchant__user"
    )
    for application in expiring:
        sent["expired"] += application_expire(application=application, now=now)
    return sent


def _deadline_key(application, deadline_kind: str, due: dt.datetime, level: int, recipient) -> str:
    # The deadline is part of the key: a resubmitted application gets new reminders.
    return f"merchants:application:{application.pk}:{deadline_kind}:{due:%Y%m%d%H%M%S}:{level}:{recipient.pk}"


def _deadline_notice(application, deadline_kind: str, due: dt.datetime, level: int, recipient, dedupe_key) -> bool:
    if deadline_kind == "system_check":
        title = _("System check overdue: %(name)s") if level == 0 else _("Escalated: system check overdue for %(name)s")
    else:
        title = _("Review overdue: %(name)s") if level == 0 else _("Escalated: review overdue for %(name)s")
    body = _("It was due by %(due)s.") % {"due": _format_moment(due)}
    notification = notify(
        recipient,
        kind=f"application_{deadline_kind}_{'reminder' if level == 0 else 'escalation'}",
        title=title % {"name": application.company_name},
        body=body,
        url=review_url(application),
        dedupe_key=dedupe_key,
    )
    return notification is not None
