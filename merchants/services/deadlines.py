"""Onboarding deadlines (SPEC.md §1.5): one table says which deadline runs in each status
and how it is computed; the escalation chain; the job that reminds, escalates and expires."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from workplace.calendar import SHANGHAI, DueDate, add_working_days, working_deadline
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


# --- the deadline table (SPEC.md §1.5, §7) ---------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """How one onboarding deadline is given: the field that stores it, the parameter of
    the onboarding rule set in force on the starting moment's date that says N, and
    whether N counts working days (SPEC.md §7) or calendar days. A working-day deadline
    keeps the calendar's fallback flag in ``fallback_field``; a calendar-day one never
    consults the working-day calendar, so it has none."""

    kind: str  # names the deadline in notices and their dedupe keys
    field: str
    parameter: str
    working_days: bool
    label: str
    # What the job does once the deadline has passed: remind and escalate, or expire.
    when_passed: str

    @property
    def fallback_field(self) -> str | None:
        return f"{self.field}_fallback" if self.working_days else None


SYSTEM_CHECK = DeadlineRule(
    "system_check", "check_due", "check_working_days", True, gettext_lazy("System check due"), "escalate"
)
REVIEW = DeadlineRule("review", "review_due", "review_working_days", True, gettext_lazy("Review due"), "escalate")
RESUBMIT = DeadlineRule(
    "resubmit", "resubmit_due", "resubmit_calendar_days", False, gettext_lazy("Resubmit by"), "expire"
)

# Status → the deadline that runs in it. Statuses not listed run none. Every writer
# (submit, the system check, send-back, the demo) and every reader (pages, API, admin,
# the deadline job, the list's ordering and overdue filter) goes through this table.
DEADLINE_TABLE: dict[str, DeadlineRule] = {
    **dict.fromkeys(CHECK_STATUSES, SYSTEM_CHECK),
    **dict.fromkeys(REVIEW_STATUSES, REVIEW),
    ApplicationStatus.NEEDS_CHANGES: RESUBMIT,
}
DEADLINE_RULES: tuple[DeadlineRule, ...] = (SYSTEM_CHECK, REVIEW, RESUBMIT)


def deadline_statuses(rule: DeadlineRule) -> frozenset[str]:
    """The statuses in which ``rule``'s deadline runs."""
    return frozenset(status for status, running in DEADLINE_TABLE.items() if running is rule)


def deadline_compute(rule: DeadlineRule, moment: dt.datetime) -> DueDate:
    """The deadline ``rule`` gives to something that started at ``moment``, with N from the
    onboarding rule set in force on its date (Asia/Shanghai): the end of the N-th working
    day after that date (fallback flag kept), or of the N-th calendar day after it."""
    local_date = moment.astimezone(SHANGHAI).date()
    days = getattr(onboarding_rules(local_date), rule.parameter)
    if rule.working_days:
        return working_deadline(moment, days)
    return DueDate(local_date + dt.timedelta(days=days), False)


def deadline_fields(status: str, moment: dt.datetime, *, clear_others: bool = False) -> dict:
    """The fields a move into ``status`` at ``moment`` writes: its deadline and, for a
    working-day deadline, the fallback flag. ``clear_others`` also empties the other
    deadlines (a (re)submission starts afresh)."""
    rule = DEADLINE_TABLE[status]
    due = deadline_compute(rule, moment)
    fields = {}
    if clear_others:
        for other in DEADLINE_RULES:
            fields[other.field] = None
            if other.fallback_field:
                fields[other.fallback_field] = False
    fields[rule.field] = due.deadline
    if rule.fallback_field:
        fields[rule.fallback_field] = due.fallback
    return fields


def application_deadline(application: Application, now: dt.datetime | None = None) -> dict | None:
    """The deadline that runs in the application's status, for display: ``label``,
    ``due`` (the last moment allowed), ``fallback`` (it counted a day of a year the
    calendar does not know), ``overdue``; None when no deadline runs."""
    rule = DEADLINE_TABLE.get(application.status)
    if rule is None:
        return None
    due = getattr(application, rule.field)
    if due is None:
        return None
    now = now or timezone.now()
    return {
        "kind": rule.kind,
        "label": rule.label,
        "due": due,
        "fallback": bool(rule.fallback_field and getattr(application, rule.fallback_field)),
        "overdue": due < now,
    }


def current_deadline_expression():
    """The running deadline as a query expression (ordering, annotation)."""
    return Case(*(When(status__in=deadline_statuses(rule), then=F(rule.field)) for rule in DEADLINE_RULES))


def current_deadline_fallback_expression():
    """The running deadline's fallback flag as a query expression."""
    return Case(
        *(
            When(
                status__in=deadline_statuses(rule), then=F(rule.fallback_field) if rule.fallback_field else Value(False)
            )
            for rule in DEADLINE_RULES
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def overdue_expression(now: dt.datetime) -> Q:
    """Applications whose running deadline has passed at ``now``."""
    condition = Q(pk__in=[])
    for rule in DEADLINE_RULES:
        condition |= Q(status__in=deadline_statuses(rule), **{f"{rule.field}__lt": now})
    return condition


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
    deadline = application_deadline(application, now)
    if deadline is None or deadline["kind"] != RESUBMIT.kind or not deadline["overdue"]:
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
        title=lambda: _("Your application has expired"),
        body=lambda: (
            _("It was not resubmitted within %(days)s days. You may start a new application.") % {"days": days}
        ),
        dedupe_key=f"merchants:application:{application.pk}:expired",
    )
    return True


def escalation_level_due(due: dt.datetime, level: int) -> dt.datetime:
    """When level ``level`` is notified about a deadline ``due``: the reminder (level 0)
    once it has passed; the recruitment head and the operations director after the
    working days of the rule set in force on the deadline's date (1 and 2 by default)."""
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
    for rule in DEADLINE_RULES:
        if rule.when_passed != "escalate":
            continue
        deadline_kind, field = rule.kind, rule.field
        overdue = (
            Application.objects.filter(status__in=deadline_statuses(rule), **{f"{field}__lt": now})
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
    expiring = Application.objects.filter(
        status__in=deadline_statuses(RESUBMIT), **{f"{RESUBMIT.field}__lt": now}
    ).select_related("merchant__user")
    for application in expiring:
        sent["expired"] += application_expire(application=application, now=now)
    return sent


def _deadline_key(application, deadline_kind: str, due: dt.datetime, level: int, recipient) -> str:
    # The deadline is part of the key: a resubmitted application gets new reminders.
    return f"merchants:application:{application.pk}:{deadline_kind}:{due:%Y%m%d%H%M%S}:{level}:{recipient.pk}"


def _deadline_notice(application, deadline_kind: str, due: dt.datetime, level: int, recipient, dedupe_key) -> bool:
    def title():  # in the recipient's language (workplace.notifications.notify)
        if deadline_kind == "system_check":
            template = (
                _("System check overdue: %(name)s") if level == 0 else _("Escalated: system check overdue for %(name)s")
            )
        else:
            template = _("Review overdue: %(name)s") if level == 0 else _("Escalated: review overdue for %(name)s")
        return template % {"name": application.company_name}

    notification = notify(
        recipient,
        kind=f"application_{deadline_kind}_{'reminder' if level == 0 else 'escalation'}",
        title=title,
        body=lambda: _("It was due by %(due)s.") % {"due": _format_moment(due)},
        url=review_url(application),
        dedupe_key=dedupe_key,
    )
    return notification is not None
