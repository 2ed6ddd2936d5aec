"""The dashboard's plan panels (issue 10 §2): a plan's progress by segment and category,
the phase burn-up, coverage by district with the gaps named, and the recruiters' rows —
read from ``plans.selectors.plan_progress`` (the API's ``/api/v1/plans/{id}/progress/``),
so the page and the API show the same numbers. The burn-up adds the signings per week,
cumulative, against each phase's target line: a phase's line is the targets of the
phases started by its start (cumulative), drawn over its own weeks.

Like the plan's progress, the totals are the team's (any staff member reads them); the
recruiter rows are scoped by role in ``plan_progress``. Weeks run seven days from the
plan's first day; signings are counted by their day in Asia/Shanghai, in the plan's area.
One query for the burn-up, one to pick the plan, plus ``plan_progress``'s."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Category, Merchant, Segment
from plans.models import Plan
from plans.selectors import plan_progress
from workplace.calendar import SHANGHAI
from workplace.exceptions import ApplicationError

from .selectors import Filters, Period, region_names


def pick_plan(params, today: dt.date | None = None) -> Plan | None:
    """The plan of ``?plan=ID`` (400 naming ``plan`` when there is none such), else the
    plan in force today, else the latest plan; ``None`` without plans. One query."""
    raw = str(params.get("plan") or "").strip()
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
            raise ApplicationError(_("Enter a whole number."), field="plan", code="invalid")
        plan = Plan.objects.select_related("region").filter(pk=int(raw)).first()
        if plan is None:
            raise ApplicationError(_("There is no such plan."), field="plan", code="does_not_exist")
        return plan
    today = today or timezone.localdate()
    plans = list(Plan.objects.select_related("region").order_by("-starts_on", "-id")[:50])
    current = [plan for plan in plans if plan.starts_on <= today <= plan.ends_on]
    return (current or plans or [None])[0]


def _records(period: Period, filters: Filters) -> str:
    query = "&".join(part for part in (period.querystring(), filters.querystring()) if part)
    return f"{reverse('dashboards:records', args=['merchants-signed'])}?{query}"


def burn_up(plan: Plan, phases: list[dict], today: dt.date | None = None) -> dict:
    """Weeks of the plan: ``weeks`` (``start``, ``end``, ``signed``, ``cumulative`` —
    ``None`` for weeks not begun —, ``target``: the target line in force that week) and
    ``lines`` (per phase, the name and its cumulative target over its weeks)."""
    today = today or timezone.localdate()
    since = dt.datetime.combine(plan.starts_on, dt.time.min, tzinfo=SHANGHAI)
    until = dt.datetime.combine(plan.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    per_day = dict(
        Merchant.objects.filter(signed_at__gte=since, signed_at__lt=until, district__in=region_names(plan.region_id))
        .annotate(day=TruncDate("signed_at", tzinfo=SHANGHAI))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    ordered = sorted(phases, key=lambda phase: phase["period"]["starts_on"])
    cumulative_target, through = 0, {}
    for phase in ordered:
        cumulative_target += phase["target"]
        through[phase["phase"]] = cumulative_target
    weeks, total, start = [], 0, plan.starts_on
    while start <= plan.ends_on:
        end = min(start + dt.timedelta(days=6), plan.ends_on)
        signed = sum(count for day, count in per_day.items() if start <= day <= end)
        total += signed
        begun = start <= today
        started = [phase for phase in ordered if phase["period"]["starts_on"] <= end]
        weeks.append(
            {
                "start": start,
                "end": end,
                "signed": signed if begun else None,
                "cumulative": total if begun else None,
                "target": through[started[-1]["phase"]] if started else 0,
            }
        )
        start = end + dt.timedelta(days=1)
    lines = [
        {
            "name": phase["name"],
            "values": [
                through[phase["phase"]]
                if week["end"] >= phase["period"]["starts_on"] and week["start"] <= phase["period"]["ends_on"]
                else None
                for week in weeks
            ],
        }
        for phase in ordered
    ]
    return {"weeks": weeks, "lines": lines}


def plan_panels(plan: Plan, user, today: dt.date | None = None) -> dict:
    """Everything the page's plan section shows, with the links to the signed merchants
    behind each row (the records page's ``merchants-signed`` over the plan's, or the
    phase's, period and region)."""
    progress = plan_progress(plan, user)
    plan_period = Period(plan.starts_on, plan.ends_on)
    in_plan = Filters(region=plan.region_id)
    segment_labels, category_labels = dict(Segment.choices), dict(Category.choices)
    segments = [
        {
            **row,
            "label": segment_labels[row["segment"]],
            "url": _records(plan_period, Filters(region=plan.region_id, segment=row["segment"])),
        }
        for row in progress["segments"]
    ]
    categories = [
        {
            **row,
            "label": category_labels[row["category"]],
            "url": _records(plan_period, Filters(region=plan.region_id, category=row["category"])),
        }
        for row in progress["categories"]
    ]
    districts = [{**row, "url": _records(plan_period, Filters(region=row["region"]))} for row in progress["districts"]]
    phases = []
    for row in progress["phases"]:
        regions = row["regions"]
        period = Period(row["period"]["starts_on"], row["period"]["ends_on"])
        # A phase over one region links its signings; over several, the plan's area in its dates.
        region = regions[0]["region"] if len(regions) == 1 else plan.region_id
        phases.append(
            {
                **row,
                "region_names": "、".join(r["name"] for r in regions),
                "url": _records(period, Filters(region=region)),
            }
        )
    return {
        "plan": plan,
        "progress": progress,
        "total_url": _records(plan_period, in_plan),
        "segments": segments,
        "categories": categories,
        "districts": districts,
        "phases": phases,
        "gaps": progress["gaps"],
        "burn_up": burn_up(plan, progress["phases"], today),
    }


def plan_chart_data(panels: dict) -> dict:
    """What ``dashboards/dashboard.js`` draws of the plan, labels in the reader's language."""
    burn = panels["burn_up"]
    return {
        "progress": {
            "labels": [row["label"] for row in panels["segments"]] + [row["label"] for row in panels["categories"]],
            "target": [row["target"] for row in panels["segments"]] + [row["target"] for row in panels["categories"]],
            "signed": [row["signed"] for row in panels["segments"]] + [row["signed"] for row in panels["categories"]],
            "target_label": _("Target"),
            "signed_label": _("Signed"),
        },
        "burn_up": {
            "labels": [week["start"].isoformat() for week in burn["weeks"]],
            "cumulative": [week["cumulative"] for week in burn["weeks"]],
            "cumulative_label": _("Signed (cumulative)"),
            "lines": burn["lines"],
        },
        "coverage": {
            "labels": [row["name"] for row in panels["districts"]],
            "target": [row["target"] for row in panels["districts"]],
            "signed": [row["signed"] for row in panels["districts"]],
            "target_label": _("Target"),
            "signed_label": _("Signed"),
        },
    }
