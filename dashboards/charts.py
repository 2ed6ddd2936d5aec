"""The dashboard's panels: for each chart, its title, the table behind it (label, value,
link to the records) and the series the chart draws — the same numbers, so the table
under a chart is the chart (ANCHORS.md §3: a real ``<table>`` from the same data)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import (
    CYCLE_TIME_TARGET_WORKING_DAYS,
    NO_FILTERS,
    PASS_RATE_CEILING,
    RESOLUTION_WORKING_DAYS,
    Filters,
    Period,
)


def _records(figure: str, period: Period, filters: Filters = NO_FILTERS) -> str:
    query = "&".join(part for part in (period.querystring(), filters.querystring()) if part)
    return f"{reverse('dashboards:records', args=[figure])}?{query}"


def _percent_text(value) -> str:
    return "—" if value is None else f"{value:.2f} %"


def _number(value):
    return None if value is None else float(value)


def panels(summary: dict, period: Period, filters: Filters = NO_FILTERS) -> list[dict]:
    """The panels in page order: ``id``, ``title``, ``note``, ``rows`` (``label``,
    ``value``, ``url``)."""
    funnel = summary["funnel"]
    complaints = summary["complaints"]
    churn = summary["churn"]
    requests = summary["rate_requests"]
    decided = funnel["approved"] + funnel["rejected"]
    stage_labels = {
        "submitted": _("Submitted"),
        "in_review": _("Entered review"),
        "approved": _("Approved"),
        "rejected": _("Rejected"),
        "signed": _("Signed"),
    }
    return [
        {
            "id": "funnel",
            "title": _("Onboarding funnel"),
            "note": _("Applications that reached each stage in the period."),
            "rows": [
                {"label": label, "value": funnel[stage], "url": _records(f"funnel-{stage}", period, filters)}
                for stage, label in stage_labels.items()
            ],
        },
        {
            "id": "pass-rate",
            "title": _("Review pass rate"),
            "note": _("Approved ÷ decided (approved + rejected); the ceiling is %(ceiling)s %%.")
            % {"ceiling": f"{PASS_RATE_CEILING:.0f}"},
            "rows": [
                {"label": _("Pass rate"), "value": _percent_text(summary["pass_rate"]), "url": None},
                {
                    "label": _("Approved"),
                    "value": funnel["approved"],
                    "url": _records("funnel-approved", period, filters),
                },
                {"label": _("Decided"), "value": decided, "url": _records("decided", period, filters)},
            ],
        },
        {
            "id": "cycle-time",
            "title": _("Onboarding cycle time"),
            "note": _("Average working days from first submission to approval; the target is %(days)d or fewer.")
            % {"days": CYCLE_TIME_TARGET_WORKING_DAYS},
            "rows": [
                {
                    "label": _("Working days"),
                    "value": "—" if summary["cycle_time_working_days"] is None else summary["cycle_time_working_days"],
                    "url": _records("cycle-time", period, filters),
                },
            ],
        },
        {
            "id": "complaints",
            "title": _("Complaint service levels"),
            "note": _(
                "Open at the end of the period; overdue now; closed within %(days)d working days; first response within 48 h."
            )
            % {"days": RESOLUTION_WORKING_DAYS},
            "rows": [
                {"label": _("Open"), "value": complaints["open"], "url": _records("complaints-open", period, filters)},
                {
                    "label": _("Overdue"),
                    "value": complaints["overdue"],
                    "url": _records("complaints-overdue", period, filters),
                },
                {
                    "label": _("Closed within 7 working days"),
                    "value": _percent_text(complaints["closed_within_7_working_days"]),
                    "url": _records("complaints-closed", period, filters),
                },
                {
                    "label": _("First response within 48 h"),
                    "value": _percent_text(complaints["first_response_within_48h"]),
                    "url": _records("complaints-answerable", period, filters),
                },
            ],
        },
        {
            "id": "rate-requests",
            "title": _("Rate requests"),
            "note": _("Pending at the end of the period; approved and rejected in it; median hours to decide."),
            "rows": [
                {
                    "label": _("Pending"),
                    "value": requests["pending"],
                    "url": _records("rate-requests-pending", period, filters),
                },
                {
                    "label": _("Approved"),
                    "value": requests["approved"],
                    "url": _records("rate-requests-approved", period, filters),
                },
                {
                    "label": _("Rejected"),
                    "value": requests["rejected"],
                    "url": _records("rate-requests-rejected", period, filters),
                },
                {
                    "label": _("Median hours to decide"),
                    "value": "—" if requests["median_hours_to_decide"] is None else requests["median_hours_to_decide"],
                    "url": None,
                },
            ],
        },
        {
            "id": "churn",
            "title": _("Churn"),
            "note": _("Merchants terminated in the period ÷ merchants active at its start."),
            "rows": [
                {"label": _("Churn"), "value": _percent_text(churn["rate"]), "url": None},
                {
                    "label": _("Active at the start"),
                    "value": churn["active"],
                    "url": _records("merchants-active", period, filters),
                },
                {
                    "label": _("Terminated"),
                    "value": churn["terminated"],
                    "url": _records("merchants-terminated", period, filters),
                },
            ],
        },
    ]


def chart_data(summary: dict) -> dict:
    """What ``dashboards/dashboard.js`` draws, with its labels in the reader's language."""
    funnel = summary["funnel"]
    complaints = summary["complaints"]
    requests = summary["rate_requests"]
    churn = summary["churn"]
    return {
        "funnel": {
            "labels": [_("Submitted"), _("Entered review"), _("Approved"), _("Rejected"), _("Signed")],
            "values": [funnel[stage] for stage in ("submitted", "in_review", "approved", "rejected", "signed")],
        },
        "pass_rate": {
            "label": _("Pass rate"),
            "value": _number(summary["pass_rate"]),
            "ceiling": float(PASS_RATE_CEILING),
            "ceiling_label": _("Ceiling"),
        },
        "cycle_time": {
            "label": _("Working days"),
            "value": _number(summary["cycle_time_working_days"]),
            "target": CYCLE_TIME_TARGET_WORKING_DAYS,
            "target_label": _("Target"),
        },
        "complaints": {
            "labels": [_("Closed within 7 working days"), _("First response within 48 h")],
            "values": [
                _number(complaints["closed_within_7_working_days"]),
                _number(complaints["first_response_within_48h"]),
            ],
        },
        "rate_requests": {
            "labels": [_("Pending"), _("Approved"), _("Rejected")],
            "values": [requests["pending"], requests["approved"], requests["rejected"]],
        },
        "churn": {
            "labels": [_("Active at the start"), _("Terminated")],
            "values": [churn["active"], churn["terminated"]],
        },
    }
