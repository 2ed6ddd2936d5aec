"""Alerts: thresholds that call for a manager's intervention (issue 10 §3; seed 000:
设置异常指标预警阈值(如商家活跃度骤降、投诉率超标),及时触发干预流程).

``evaluate_alerts()`` (the hourly beat job dashboards.tasks.evaluate_alerts) measures
every rule against the thresholds in force today (``AlertRuleSet``) and compares what
breaches now with the breaches on record:

- a subject breaching now without an open breach: a breach is opened and the responsible
  manager notified, once (the notice's dedupe key names the breach);
- an open breach that no longer breaches: it is cleared (no notice); a later breach of the
  same rule and subject is a new breach and notifies again;
- an open breach still breaching: nothing (its figures stay those of the opening).

The rules. **A threshold is the last acceptable value: a figure exactly at it does not
fire** ("below 80 %" fires at 79.99 %, not at 80 %; "above 5" fires at 6, not at 5).

- **District pace** (``district_pace``), for every plan running today: a district's
  expected signings are, for each phase covering that district alone (the phases that
  set its target, plans.selectors), the phase's target × the elapsed share of the phase
  (days from its start to today, both counted, ÷ its days; 0 before it starts, 1 after
  it ends). It breaches when its signings in the plan are below ``pace_percent`` % of
  that. Phases started fewer than ``pace_grace_days`` days ago are not judged yet.
  Notified: the general manager(s) — a plan names no manager for a district.
- **Recruiter pace** (``recruiter_pace``): a recruiter's quota × the elapsed share of the
  plan, against their signings in the plan (as plans.selectors counts them), likewise.
  Notified: the head of the recruiter's department (else their manager, else the
  general manager).
- **Merchant activity** (``merchant_activity``): the month judged is the last closed
  month (profits are imported after a month ends). An active merchant's terminal profit
  (compensation ProfitRecord, summed over its terminals) in that month is compared with
  its average over the three months before; only merchants with a profit record in each
  of those three months and an average of at least ``activity_min_average`` are judged
  (a new or tiny merchant is not). It breaches below ``activity_percent`` % of the
  average. Notified: the head of the merchant's department (else the general manager).
- **Complaint rate** (``complaint_rate``): complaints received in the last 30 days found
  valid by their investigation, per 100 merchants active now; above ``complaint_rate``.
  No active merchant: no rate, no alert.
- **Overdue complaints** (``overdue_complaints``): complaints past their running deadline
  (complaints.selectors.overdue_condition), more than ``overdue_complaints``.
  Both complaint alerts notify the heads of the customer service staff's departments
  and the general manager(s).

Concurrency: the run holds a PostgreSQL transaction-level advisory lock, so two workers
running at once evaluate one after the other (the second finds the breaches open and
notifies nobody); a unique constraint allows one open breach per rule and subject. The
whole run is one transaction: a run that dies writes nothing and the next run does it.
Notices are in-app rows first (workplace.notifications.notify); their e-mail goes through
the broker and is re-sent by the e-mail sweep when the broker was down.

Queries: a fixed number per run whatever the number of merchants, complaints or open
breaches, plus a fixed number per running plan and per notice sent (pinned in
tests/dashboards/test_alerts.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.models import ProfitRecord
from complaints.models import Complaint
from complaints.selectors import overdue_condition
from merchants.models import Merchant, MerchantStatus
from plans.models import Plan
from plans.selectors import plan_progress
from workplace.models import Department
from workplace.notifications import Notice, notify_once_each
from workplace.roles import Role, users_with_role
from workplace.rules import in_force

from .models import AlertBreach, AlertKind, AlertRuleSet, SubjectType

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
LOCK_KEY = 7_310_001  # pg_advisory_xact_lock key of the alert run
NOTICE_KIND = "dashboard_alert"
COMPLAINT_WINDOW = dt.timedelta(days=30)


@dataclass
class Finding:
    kind: str
    subject_type: str
    subject_id: int
    subject_name: str
    figures: dict
    recipients: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.subject_type, self.subject_id)


@dataclass(frozen=True)
class RunResult:
    opened: list[AlertBreach]
    cleared: int
    notified: int


def _two(value) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def elapsed_share(first: dt.date, last: dt.date, today: dt.date) -> Decimal:
    """Days from ``first`` to ``today`` (both counted) ÷ the days of ``first``–``last``,
    between 0 and 1."""
    if today < first:
        return Decimal(0)
    if today >= last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)


def behind_pace(signed: int, expected: Decimal, percent: Decimal) -> bool:
    """Signed below ``percent`` % of the expected signings (exactly at it: not behind)."""
    return expected > 0 and Decimal(signed) * HUNDRED < expected * percent


def _reader():
    """A company-wide reader for plans.selectors (no query: its roles are given)."""
    reader = get_user_model()(username="alerts", is_superuser=True, is_active=True)
    reader._role_slugs = frozenset({Role.GENERAL_MANAGER})
    return reader


class _Managers:
    """Who is told, read once per run."""

    def __init__(self):
        self._general = None
        self._service_heads = None
        self._recruiter_heads = None

    def general(self) -> list[int]:
        if self._general is None:
            self._general = list(users_with_role(Role.GENERAL_MANAGER).values_list("pk", flat=True))
        return self._general

    def complaints(self) -> list[int]:
        if self._service_heads is None:
            self._service_heads = list(
                Department.objects.filter(
                    head__isnull=False,
                    head__is_active=True,
                    staff__user__groups__name=Role.CUSTOMER_SERVICE,
                    staff__user__is_active=True,
                )
                .values_list("head_id", flat=True)
                .distinct()
            )
        return sorted(set(self._service_heads) | set(self.general()))

    def for_recruiters(self, recruiter_ids) -> dict[int, list[int]]:
        if self._recruiter_heads is None:
            rows = (
                get_user_model()
                .objects.filter(pk__in=list(recruiter_ids))
                .values_list("pk", "staff_profile__department__head_id", "staff_profile__manager_id")
            )
            self._recruiter_heads = {pk: head or manager for pk, head, manager in rows}
        return {
            pk: [self._recruiter_heads[pk]] if self._recruiter_heads.get(pk) else self.general() for pk in recruiter_ids
        }


def _pace_findings(rules: AlertRuleSet, today: dt.date, managers: _Managers) -> list[Finding]:
    findings: list[Finding] = []
    reader = _reader()
    grace = dt.timedelta(days=rules.pace_grace_days)
    recruiter_rows = []
    for plan in Plan.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("starts_on", "pk"):
        progress = plan_progress(plan, reader)
        for district in progress["districts"]:
            alone = [
                phase
                for phase in progress["phases"]
                if [region["region"] for region in phase["regions"]] == [district["region"]]
                and phase["period"]["starts_on"] + grace <= today
            ]
            expected = sum(
                (
                    phase["target"] * elapsed_share(phase["period"]["starts_on"], phase["period"]["ends_on"], today)
                    for phase in alone
                ),
                Decimal(0),
            )
            if behind_pace(district["signed"], expected, rules.pace_percent):
                findings.append(
                    Finding(
                        AlertKind.DISTRICT_PACE,
                        SubjectType.REGION,
                        district["region"],
                        district["name"],
                        {
                            "plan": plan.pk,
                            "plan_name": plan.name,
                            "signed": district["signed"],
                            "expected": _two(expected),
                            "threshold": _two(rules.pace_percent),
                        },
                        managers.general(),
                    )
                )
        if plan.starts_on + grace > today:
            continue
        share = elapsed_share(plan.starts_on, plan.ends_on, today)
        for row in progress["recruiters"]:
            expected = row["target"] * share
            if behind_pace(row["signed"], expected, rules.pace_percent):
                recruiter_rows.append((plan, row, expected))
    heads = managers.for_recruiters({row["recruiter"] for _plan, row, _e in recruiter_rows}) if recruiter_rows else {}
    seen = set()
    for plan, row, expected in recruiter_rows:
        if row["recruiter"] in seen:  # behind in two running plans: one breach (the first plan's figures)
            continue
        seen.add(row["recruiter"])
        findings.append(
            Finding(
                AlertKind.RECRUITER_PACE,
                SubjectType.RECRUITER,
                row["recruiter"],
                row["name"],
                {
                    "plan": plan.pk,
                    "plan_name": plan.name,
                    "signed": row["signed"],
                    "quota": row["target"],
                    "expected": _two(expected),
                    "threshold": _two(rules.pace_percent),
                },
                heads[row["recruiter"]],
            )
        )
    return findings


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _activity_findings(rules: AlertRuleSet, today: dt.date, managers: _Managers) -> list[Finding]:
    judged = _month_start(today, 1)
    first = _month_start(today, 4)
    money = DecimalField(max_digits=14, decimal_places=2)
    before = Q(month__gte=first, month__lt=judged)
    rows = (
        ProfitRecord.objects.filter(
            month__gte=first, month__lte=judged, terminal__merchant__status=MerchantStatus.ACTIVE
        )
        .values("terminal__merchant", "terminal__merchant__name", "terminal__merchant__department__head")
        .annotate(
            current=Coalesce(Sum("profit", filter=Q(month=judged)), Value(Decimal(0)), output_field=money),
            previous=Coalesce(Sum("profit", filter=before), Value(Decimal(0)), output_field=money),
            months=Count("month", filter=before, distinct=True),
        )
        .annotate(average=ExpressionWrapper(F("previous") / Value(Decimal(3)), output_field=money))
        .filter(months=3, previous__gte=rules.activity_min_average * 3)
        # current / average < percent / 100  ⇔  current × 300 < previous × percent
        .filter(current__lt=F("previous") * Value(rules.activity_percent) / Value(Decimal(300)))
        .order_by("terminal__merchant")
    )
    findings = []
    for row in rows:
        average = row["previous"] / 3
        findings.append(
            Finding(
                AlertKind.MERCHANT_ACTIVITY,
                SubjectType.MERCHANT,
                row["terminal__merchant"],
                row["terminal__merchant__name"],
                {
                    "month": judged.isoformat(),
                    "profit": _two(row["current"]),
                    "average": _two(average),
                    "share": _two(row["current"] * HUNDRED / average),
                    "threshold": _two(rules.activity_percent),
                },
                [row["terminal__merchant__department__head"]]
                if row["terminal__merchant__department__head"]
                else managers.general(),
            )
        )
    return findings


def _complaint_findings(rules: AlertRuleSet, now: dt.datetime, managers: _Managers) -> list[Finding]:
    counts = Complaint.objects.aggregate(
        valid=Count("pk", filter=Q(received_at__gte=now - COMPLAINT_WINDOW, investigations__valid=True), distinct=True),
        overdue=Count("pk", filter=overdue_condition(now), distinct=True),
    )
    active = Merchant.objects.filter(status=MerchantStatus.ACTIVE).count()
    findings = []
    if active:
        rate = Decimal(counts["valid"]) * HUNDRED / Decimal(active)
        if rate > rules.complaint_rate:
            findings.append(
                Finding(
                    AlertKind.COMPLAINT_RATE,
                    SubjectType.COMPANY,
                    0,
                    "",
                    {
                        "valid": counts["valid"],
                        "active": active,
                        "rate": _two(rate),
                        "threshold": _two(rules.complaint_rate),
                    },
                    managers.complaints(),
                )
            )
    if counts["overdue"] > rules.overdue_complaints:
        findings.append(
            Finding(
                AlertKind.OVERDUE_COMPLAINTS,
                SubjectType.COMPANY,
                0,
                "",
                {"overdue": counts["overdue"], "threshold": rules.overdue_complaints},
                managers.complaints(),
            )
        )
    return findings


def current_findings(rules: AlertRuleSet, now: dt.datetime) -> list[Finding]:
    today = timezone.localdate(now)
    managers = _Managers()
    return [
        *_pace_findings(rules, today, managers),
        *_activity_findings(rules, today, managers),
        *_complaint_findings(rules, now, managers),
    ]


# --- the notices ---------------------------------------------------------------------


def _title(finding: Finding):
    name, figures = finding.subject_name, finding.figures
    titles = {
        AlertKind.DISTRICT_PACE: lambda: _("Alert: %(district)s is behind the plan's pace") % {"district": name},
        AlertKind.RECRUITER_PACE: lambda: _("Alert: %(recruiter)s is behind the plan's pace") % {"recruiter": name},
        AlertKind.MERCHANT_ACTIVITY: lambda: _("Alert: activity of %(merchant)s dropped") % {"merchant": name},
        AlertKind.COMPLAINT_RATE: lambda: (
            _("Alert: the complaint rate is %(rate)s per 100 merchants") % {"rate": figures.get("rate")}
        ),
        AlertKind.OVERDUE_COMPLAINTS: lambda: (
            _("Alert: %(count)s complaints are overdue") % {"count": figures.get("overdue")}
        ),
    }
    return titles[finding.kind]


def _body(finding: Finding):
    f = finding.figures
    bodies = {
        AlertKind.DISTRICT_PACE: lambda: (
            _(
                "%(plan)s: %(signed)s merchants signed, %(expected)s expected by today; the alert fires below "
                "%(threshold)s %% of the expected signings."
            )
            % {
                "plan": f.get("plan_name"),
                "signed": f.get("signed"),
                "expected": f.get("expected"),
                "threshold": f.get("threshold"),
            }
        ),
        AlertKind.RECRUITER_PACE: lambda: (
            _(
                "%(plan)s: %(signed)s of a quota of %(quota)s signed, %(expected)s expected by today; the alert fires "
                "below %(threshold)s %% of the expected signings."
            )
            % {
                "plan": f.get("plan_name"),
                "signed": f.get("signed"),
                "quota": f.get("quota"),
                "expected": f.get("expected"),
                "threshold": f.get("threshold"),
            }
        ),
        AlertKind.MERCHANT_ACTIVITY: lambda: (
            _(
                "Terminal profit in %(month)s: %(profit)s, %(share)s %% of its 3-month average of %(average)s; the alert "
                "fires below %(threshold)s %%."
            )
            % {
                "month": f.get("month", "")[:7],
                "profit": f.get("profit"),
                "share": f.get("share"),
                "average": f.get("average"),
                "threshold": f.get("threshold"),
            }
        ),
        AlertKind.COMPLAINT_RATE: lambda: (
            _(
                "%(valid)s valid complaints in the last 30 days for %(active)s active merchants; the alert fires above "
                "%(threshold)s per 100 merchants."
            )
            % {"valid": f.get("valid"), "active": f.get("active"), "threshold": f.get("threshold")}
        ),
        AlertKind.OVERDUE_COMPLAINTS: lambda: (
            _("%(count)s complaints are past their deadline; the alert fires above %(threshold)s.")
            % {"count": f.get("overdue"), "threshold": f.get("threshold")}
        ),
    }
    return bodies[finding.kind]


# --- the run ---------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def evaluate_alerts(now: dt.datetime | None = None) -> RunResult:
    """Open, notify and clear breaches (see the module's docstring). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock()
        rules = in_force(AlertRuleSet, timezone.localdate(now))
        findings = {finding.key: finding for finding in current_findings(rules, now)}
        open_breaches = {
            (breach.kind, breach.subject_type, breach.subject_id): breach
            for breach in AlertBreach.objects.filter(cleared_at__isnull=True).only(
                "pk", "kind", "subject_type", "subject_id"
            )
        }
        cleared = [breach.pk for key, breach in open_breaches.items() if key not in findings]
        if cleared:
            AlertBreach.objects.filter(pk__in=cleared).update(cleared_at=now)
        new = [finding for key, finding in findings.items() if key not in open_breaches]
        opened = (
            AlertBreach.objects.bulk_create(
                [
                    AlertBreach(
                        kind=finding.kind,
                        subject_type=finding.subject_type,
                        subject_id=finding.subject_id,
                        subject_name=finding.subject_name[:200],
                        rules=rules,
                        opened_at=now,
                        figures=finding.figures,
                    )
                    for finding in new
                ]
            )
            if new
            else []
        )
        notices = [
            Notice(
                recipient=recipient,
                kind=NOTICE_KIND,
                title=_title(finding),
                body=_body(finding),
                url=reverse("dashboards:index"),
                dedupe_key=f"alert:{breach.pk}:{recipient}",
            )
            for finding, breach in zip(new, opened, strict=True)
            for recipient in finding.recipients
        ]
        sent = notify_once_each(notices)
        told = {notice.dedupe_key.split(":")[1] for notice in sent}
        notified = [breach.pk for breach in opened if str(breach.pk) in told]
        if notified:
            AlertBreach.objects.filter(pk__in=notified).update(notified_at=now)
            for breach in opened:
                if breach.pk in notified:
                    breach.notified_at = now
    return RunResult(opened=opened, cleared=len(cleared), notified=len(notified))
