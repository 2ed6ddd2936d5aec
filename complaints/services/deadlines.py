"""Deadlines and notices of complaint handling (SPEC.md §4, §7).

One job derives everything from the database state, so a missed run catches up and a
repeated one says nothing twice (each notice carries a dedupe key):

- the people a step waits on are told when it reaches them (the transfer slip to the
  responsible person, a solution or a decision to the merchant, "carry it out" to the
  responsible person, the outcome to the merchant);
- a step whose deadline has passed reminds its assignee and escalates one level (the
  assignee's department head, or their manager when they are the head).

Notices to people are never sent between 21:00 and 08:00 Asia/Shanghai (the rule set's
quiet hours): a run in quiet hours sends nothing, and the first run after 08:00 sends
what came due overnight. Deadlines themselves keep running.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.calendar import SHANGHAI
from workplace.notifications import Notice, notify_once_each
from workplace.roles import Role, RoleDirectory

from ..models import CLOSED_STATUSES, OPEN_STATUSES, Complaint, ComplaintRuleSet, ComplaintStatus, DisputeLevel
from .workflow import rules_on

S = ComplaintStatus
# Closed complaints are still looked at this long, so a notice of the outcome missed by
# a stopped job is sent when it runs again.
RECENT = dt.timedelta(days=7)


def in_quiet_hours(moment: dt.datetime, rules: ComplaintRuleSet) -> bool:
    """True between ``quiet_from`` and ``quiet_until`` Asia/Shanghai (across midnight)."""
    local = moment.astimezone(SHANGHAI).time()
    start, end = rules.quiet_from, rules.quiet_until
    if start > end:
        return local >= start or local < end
    return start <= local < end


def current_deadline_of(complaint: Complaint) -> tuple[str, dt.datetime] | tuple[None, None]:
    """The deadline that runs in the complaint's state: (field name, moment), or
    (None, None). Mirrors ``selectors.current_deadline`` (the same rule as SQL)."""
    status, level = complaint.status, complaint.dispute_level
    if status in (S.RECEIVED, S.INVESTIGATING):
        return "reply_due", complaint.reply_due
    if status == S.AWAITING_SOLUTION:
        if level == DisputeLevel.EXTERNAL and complaint.solution_due is None:
            return None, None
        if level == DisputeLevel.PLATFORM_PANEL and complaint.solution_due is None:
            return "panel_due", complaint.panel_due
        return "solution_due", complaint.solution_due
    if status == S.FOLLOW_UP and complaint.follow_up_due is not None:
        return "follow_up_due", complaint.follow_up_due
    return None, None


def due_text(moment: dt.datetime, fallback: bool) -> str:
    """A deadline as a notice says it, flagged when it counted a fallback day (SPEC.md §7:
    flagged wherever it is shown)."""
    text = moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if fallback:
        text = _("%(due)s (provisional calendar: Monday–Friday assumed)") % {"due": text}
    return text


def complaint_url(complaint: Complaint) -> str:
    try:
        return reverse("complaints:detail", args=[complaint.pk])
    except NoReverseMatch:
        return f"/complaints/{complaint.pk}/"


class _People(RoleDirectory):
    """Active users per role (``workplace.roles.RoleDirectory``), fetched once per run with
    what their escalation reads."""

    def __init__(self):
        super().__init__(select_related=("staff_profile__manager", "staff_profile__department__head"))

    of_role = RoleDirectory.users


def one_level_up(user) -> list:
    """Whom an overdue step of ``user`` escalates to: their department's head, or their
    manager when they head it themselves."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return []
    department = profile.department
    if department is not None and department.head_id and department.head_id != user.pk:
        return [department.head]
    return [profile.manager] if profile.manager_id else []


def _assignees(complaint: Complaint, name: str, people: _People) -> tuple[list, list]:
    """(who must act, whom it escalates to) for the running deadline ``name``."""
    if name == "solution_due":
        person = complaint.responsible_person
        if person is None:
            return [], []
        department = complaint.responsible_department
        if department is not None and department.head_id and department.head_id != person.pk:
            return [person], [department.head]
        return [person], one_level_up(person)
    if name == "panel_due":
        return people.of_role(Role.OPS_DIRECTOR), people.of_role(Role.GENERAL_MANAGER)
    # Customer service's steps: the handler, or all of customer service until one acts.
    handlers = [complaint.handler] if complaint.handler_id else people.of_role(Role.CUSTOMER_SERVICE)
    up = {}
    for handler in handlers:
        for user in one_level_up(handler):
            up[user.pk] = user
    return handlers, list(up.values())


def _deadline_label(name: str) -> str:
    return {
        "reply_due": _("the reply"),
        "solution_due": _("the solution"),
        "panel_due": _("the panel's decision"),
        "follow_up_due": _("the follow-up visit"),
    }[name]


def _step_notices(complaint: Complaint, url: str, people: _People) -> list[Notice]:
    """Who a step has just reached (one notice per state the complaint entered)."""
    stamp = int(complaint.status_changed_at.timestamp()) if complaint.status_changed_at else 0
    base = f"complaints:{complaint.pk}"
    merchant_user = complaint.merchant.user if complaint.merchant.user_id else None
    notices = []
    status = complaint.status
    if status == S.AWAITING_SOLUTION and complaint.solution_due and complaint.responsible_person_id:
        notices.append(
            Notice(
                complaint.responsible_person,
                "complaint_transfer",
                lambda: _("Complaint %(number)s needs your solution") % {"number": complaint.number},
                lambda: (
                    _("Answer with a solution by %(due)s.")
                    % {"due": due_text(complaint.solution_due, complaint.solution_due_fallback)}
                ),
                url,
                f"{base}:transfer:{int(complaint.solution_due.timestamp())}:{complaint.responsible_person_id}",
            )
        )
    elif (
        status == S.AWAITING_SOLUTION
        and complaint.dispute_level == DisputeLevel.PLATFORM_PANEL
        and complaint.solution_due is None
    ):
        notices += [
            Notice(
                director,
                "complaint_arbitration",
                lambda: _("Complaint %(number)s goes to the arbitration panel") % {"number": complaint.number},
                lambda: (
                    _("Convene a panel of at least two managers; the decision is due by %(due)s.")
                    % {"due": due_text(complaint.panel_due, complaint.panel_due_fallback)}
                ),
                url,
                f"{base}:panel:{director.pk}",
            )
            for director in people.of_role(Role.OPS_DIRECTOR)
        ]
    elif status == S.AWAITING_OPINION and merchant_user is not None:
        notices.append(
            Notice(
                merchant_user,
                "complaint_solution",
                lambda: _("A solution to your complaint %(number)s") % {"number": complaint.number},
                lambda: _("Please tell us whether you accept it."),
                url,
                f"{base}:opinion:{stamp}",
            )
        )
    elif status == S.IMPLEMENTING and complaint.responsible_person_id:
        notices.append(
            Notice(
                complaint.responsible_person,
                "complaint_implement",
                lambda: _("Carry out the solution of complaint %(number)s") % {"number": complaint.number},
                lambda: _("Mark it done when it is carried out."),
                url,
                f"{base}:implement:{stamp}:{complaint.responsible_person_id}",
            )
        )
    elif status in CLOSED_STATUSES and merchant_user is not None:
        notices.append(
            Notice(
                merchant_user,
                "complaint_closed",
                lambda: _("Your complaint %(number)s is closed") % {"number": complaint.number},
                lambda: _("See the complaint for the outcome."),
                url,
                f"{base}:closed",
            )
        )
    return notices


def _overdue_notices(complaint: Complaint, now: dt.datetime, url: str, people: _People) -> list[Notice]:
    name, due = current_deadline_of(complaint)
    if name is None or due is None or due >= now:
        return []
    assignees, up = _assignees(complaint, name, people)
    key = f"complaints:{complaint.pk}:{name}:{int(due.timestamp())}"

    def values():  # called under the recipient's language (workplace.notifications.notify)
        return {
            "number": complaint.number,
            "what": _deadline_label(name),
            "due": due_text(due, getattr(complaint, f"{name}_fallback")),
        }

    notices = [
        Notice(
            user,
            "complaint_overdue",
            lambda: _("Complaint %(number)s is overdue") % values(),
            lambda: _("Deadline for %(what)s: %(due)s.") % values(),
            url,
            f"{key}:remind:{user.pk}",
        )
        for user in assignees
    ]
    notices += [
        Notice(
            user,
            "complaint_escalated",
            lambda: _("Complaint %(number)s is overdue in your team") % values(),
            lambda: _("Deadline for %(what)s: %(due)s; still open.") % values(),
            url,
            f"{key}:escalate:{user.pk}",
        )
        for user in up
    ]
    return notices


def complaint_deadlines_process(*, now: dt.datetime | None = None) -> dict:
    """Send the notices that are due, outside quiet hours; safe to run any number of
    times. Notices already sent are looked up in one query (``notify_once_each``)."""
    now = now or timezone.now()
    rules = rules_on(now.astimezone(SHANGHAI).date())
    if in_quiet_hours(now, rules):
        return {"quiet": True, "sent": 0}
    complaints = (
        Complaint.objects.filter(
            Q(status__in=OPEN_STATUSES) | Q(status__in=CLOSED_STATUSES, status_changed_at__gte=now - RECENT)
        )
        .select_related(
            "merchant__user",
            "handler__staff_profile__manager",
            "handler__staff_profile__department__head",
            "responsible_department__head",
            "responsible_person__staff_profile__manager",
            "responsible_person__staff_profile__department__head",
        )
        .order_by("pk")
    )
    people = _People()
    notices: list[Notice] = []
    for complaint in complaints:
        url = complaint_url(complaint)
        notices += _step_notices(complaint, url, people)
        notices += _overdue_notices(complaint, now, url, people)
    counts = {"quiet": False, "sent": 0, "reminders": 0, "escalations": 0}
    for notice in notify_once_each(notices):
        counts["sent"] += 1
        if notice.kind == "complaint_overdue":
            counts["reminders"] += 1
        elif notice.kind == "complaint_escalated":
            counts["escalations"] += 1
    return counts
