"""The dashboard's alliance panel (SPEC.md §9 "Reported", issues 10 and 12): per district
and per joint activity, the participation rate, the resource-sharing rate and the
conversion, each against its target (met or not), and the revenue shared — the figures of
``alliance.figures``, read over the page's period (the activities overlapping it) and its
``region`` filter (the activities held in the region's districts) and ``recruiter`` filter
(the activities they created or with one of their merchants invited). The category and
segment filters do not apply: an activity is held in a district for merchants of any kind.

The page's table, its chart (``chart_data``), the XLSX sheet (``export_table``) and the
monthly report read the same ``alliance_panel`` dict, so they show the same numbers. Each
count links to the records behind it (``/dashboards/records/alliance-<figure>/`` with the
activity or the district), listed by the same builders as the count (``alliance.figures.
RECORDS``). One query for the figures, whatever the number of activities.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from alliance import figures
from alliance.figures import Figures
from workplace.exceptions import ApplicationError

from .selectors import Filters, Period, region_names

# records page slug → the figure (``alliance.figures.RECORDS``) it lists.
ALLIANCE_FIGURES = {f"alliance-{name}": name for name in figures.RECORDS}
RATES = (
    ("participation_rate", "participation_met", figures.PARTICIPATION_TARGET),
    ("resource_sharing_rate", "resource_sharing_met", figures.RESOURCE_SHARING_TARGET),
    ("conversion_rate", "conversion_met", figures.CONVERSION_TARGET),
)
COUNTS = ("invited", "participants", "referrers", "referred", "converted")


def alliance_activities(user, period: Period, filters: Filters):
    """The activities the panel counts for ``user`` (see the module's docstring)."""
    return figures.activities_for_figures(
        user,
        starts_on=period.start,
        ends_on=period.end,
        districts=region_names(filters.region) if filters.region is not None else None,
        recruiter=filters.recruiter,
    )


def _records_url(figure: str, period: Period, filters: Filters, subject: dict) -> str:
    query = "&".join(part for part in (period.querystring(), filters.querystring(), urlencode(subject)) if part)
    return f"{reverse('dashboards:records', args=[f'alliance-{figure}'])}?{query}"


def _percent_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f} %"


def met_text(met: bool | None) -> str:
    if met is None:
        return "—"
    return _("Met") if met else _("Not met")


def _line(label: str, counted: Figures, period: Period, filters: Filters, subject: dict) -> dict:
    """One table row: each count with its records' link, each rate with its target."""
    line = {"label": label}
    for name in COUNTS:
        line[name] = {"value": getattr(counted, name), "url": _records_url(name, period, filters, subject)}
    for name, met, target in RATES:
        value = getattr(counted, name)
        line[name] = {
            "value": value,
            "text": _percent_text(value),
            "target": target,
            "met": getattr(counted, met),
            "met_text": met_text(getattr(counted, met)),
        }
    line["revenue_shared"] = {
        "value": counted.revenue_shared,
        "text": f"{counted.revenue_shared:.2f}",
        "url": _records_url("referred", period, filters, subject),
    }
    return line


def _activity_url(pk: int) -> str | None:
    try:
        return reverse("admin:alliance_activity_change", args=[pk])
    except NoReverseMatch:
        return None


def alliance_panel(user, period: Period, filters: Filters) -> dict:
    """The panel: ``districts`` and ``activities`` rows (``_line``), the ``total`` row and
    the ``targets``. One query."""
    rows = figures.activity_figures(alliance_activities(user, period, filters))
    districts = figures.district_figures(rows)
    activities = []
    for row in rows:
        activity = row.activity
        line = _line(activity.title, row.figures, period, filters, {"activity": activity.pk})
        line.update(
            {
                "activity": activity.pk,
                "district": activity.district,
                "dates": f"{activity.starts_on:%Y-%m-%d} – {activity.ends_on:%Y-%m-%d}",
                "url": _activity_url(activity.pk),
            }
        )
        activities.append(line)
    return {
        "districts": [
            {
                **_line(row.district, row.figures, period, filters, {"district": row.district}),
                "district": row.district,
                "activities": row.activities,
            }
            for row in districts
        ],
        "activities": activities,
        "total": {**_line(_("All activities"), figures.total(rows), period, filters, {}), "activities": len(rows)},
        "targets": {name: target for name, _met, target in RATES},
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_data(panel: dict) -> dict:
    """What ``dashboards/dashboard.js`` draws: per district (and all activities), the three
    rates as bars, each series with its target line; labels in the reader's language."""
    lines = [*panel["districts"], panel["total"]] if len(panel["districts"]) != 1 else panel["districts"]
    return {
        "labels": [line["label"] for line in lines],
        "series": [
            {
                "name": label,
                "values": [_number(line[name]["value"]) for line in lines],
                "target": float(target),
                "target_label": _("Target"),
            }
            for (name, _met, target), label in zip(RATES, rate_labels(), strict=True)
        ],
    }


def rate_labels() -> list[str]:
    return [_("Participation rate"), _("Resource-sharing rate"), _("Conversion rate")]


def _cells(line: dict) -> list:
    cells = []
    for name in ("invited", "participants"):
        cells.append(line[name]["value"])
    cells += [line["participation_rate"]["text"], line["participation_rate"]["met_text"]]
    cells += [line["referrers"]["value"], line["resource_sharing_rate"]["text"]]
    cells += [line["resource_sharing_rate"]["met_text"], line["referred"]["value"], line["converted"]["value"]]
    cells += [line["conversion_rate"]["text"], line["conversion_rate"]["met_text"], line["revenue_shared"]["value"]]
    return cells


def figure_headers() -> list[str]:
    met = _("Target met")
    return [
        _("Invited"),
        _("Participants"),
        _("Participation rate"),
        met,
        _("Participants who referred"),
        _("Resource-sharing rate"),
        met,
        _("Referred customers"),
        _("Who spent"),
        _("Conversion rate"),
        met,
        _("Revenue shared"),
    ]


def export_table(panel: dict) -> dict:
    """The panel as one table of ``exports.add_tables``: the districts (and all activities),
    then the activities, in the page's columns."""
    districts = [[line["label"], line["activities"], *_cells(line)] for line in panel["districts"]]
    districts.append([panel["total"]["label"], panel["total"]["activities"], *_cells(panel["total"])])
    activities = [[line["label"], line["district"], line["dates"], *_cells(line)] for line in panel["activities"]]
    return {
        "title": _("Joint activities"),
        "blocks": [
            ([_("District"), _("Activities"), *figure_headers()], districts),
            ([_("Activity"), _("District"), _("Dates"), *figure_headers()], activities),
        ],
    }


# --- the records page -----------------------------------------------------------------------


def _activity_id(raw) -> int | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise ApplicationError(_("Enter a whole number."), field="activity", code="invalid")
    return int(text)


def alliance_records(user, period: Period, figure: str, filters: Filters, params) -> tuple:
    """The records behind one of the panel's counts (``figure`` a key of
    ``ALLIANCE_FIGURES``), of one activity (``?activity=``: 404 when the reader does not
    count it), one district (``?district=``) or all the panel counts; and the subject's
    name for the page. A bad activity id is an ``ApplicationError`` naming it."""
    activities = alliance_activities(user, period, filters)
    activity_id = _activity_id(params.get("activity"))
    district = str(params.get("district") or "").strip()[:50]
    subject = ""
    if activity_id is not None:
        activity = activities.filter(pk=activity_id).first()
        if activity is None:
            raise Http404
        activities, subject = activities.filter(pk=activity_id), activity.title
    elif district:
        activities, subject = activities.filter(district=district), district
    return figures.RECORDS[ALLIANCE_FIGURES[figure]](activities), subject
