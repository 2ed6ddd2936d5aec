"""The monthly management report as PDF (issue 10 §4): the dashboard's panels of one
month, each chart beside the table behind it, the last six months' funnel as a line
chart, the plan's tables (progress by segment and category, phases, coverage by district
with the gaps named), the recruiter leaderboard of the month and the joint activities'
figures (by district and by activity, each rate against its target), in Chinese.

The plan is ``?plan=`` or the plan in force on the month's last day (else the latest,
``plan_panels.pick_plan``); without any plan its tables are left out.

WeasyPrint runs no JavaScript, so the page's ECharts cannot draw here. The charts are
drawn in Python as inline SVG (which WeasyPrint renders natively): plain bars with a
reference line (the pass-rate ceiling, the cycle-time target) and polylines. No chart
library: ECharts' server-side rendering needs Node.js, which the app does not ship, and
matplotlib and the like would be a large dependency for a few rectangles. The numbers
are those of the page (``charts.panels`` and ``charts.chart_data`` of the same
``selectors.dashboard_summary`` call).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError
from workplace.pdf import render_pdf

from . import alliance_panel, charts
from .leaderboard import leaderboard
from .periods import EARLIEST, LATEST
from .plan_panels import plan_panels
from .selectors import NO_FILTERS, Filters, Period, dashboard_summary, funnel

REPORT_LANGUAGE = "zh-hans"
TREND_MONTHS = 6
FONT = "Noto Sans CJK SC, Noto Serif CJK SC, WenQuanYi Zen Hei, Source Han Sans SC, sans-serif"
BAR = "#b3261e"
BARS = ("#b3261e", "#1f5fa8", "#3a8a3a", "#c77700", "#6b4fa0")
WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34


def month_period(first: dt.date) -> Period:
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, next_first - dt.timedelta(days=1))


def report_month(raw: str | None, today: dt.date | None = None) -> Period:
    """The month of ``?month=YYYY-MM``: last month by default; not after the current
    month; an ``ApplicationError`` naming ``month`` otherwise."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    if raw is None or not str(raw).strip():
        return month_period((this_month - dt.timedelta(days=1)).replace(day=1))
    text = str(raw).strip()
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError
        first = dt.date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        raise ApplicationError(_("Enter a month as YYYY-MM."), field="month", code="invalid") from None
    if not EARLIEST <= first <= LATEST:
        raise ApplicationError(
            _("Enter a date from %(earliest)s to %(latest)s.") % {"earliest": EARLIEST, "latest": LATEST},
            field="month",
            code="invalid",
        )
    if first > this_month:
        raise ApplicationError(_("The month has not begun yet."), field="month", code="invalid")
    return month_period(first)


# --- SVG -----------------------------------------------------------------------------------


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _number_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _svg(body: list[str], label: str) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="10">' + "".join(body) + "</svg>"
    )


def _axes(top: float) -> list[str]:
    plot_height = HEIGHT - TOP - BOTTOM
    body = []
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#666">{_number_text(top * fraction)}</text>'
        )
    return body


def bar_chart(labels, values, *, label: str, reference: float | None = None, reference_label: str = "") -> str:
    """Vertical bars of ``values`` (None: no bar, "—" above), a dashed reference line."""
    numbers = [float(v) for v in values if v is not None]
    top = _nice_top(max([*numbers, float(reference or 0)], default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(labels), 1)
    body = _axes(top)
    for index, (name, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * index + slot * 0.2
        width = slot * 0.6
        centre = x + width / 2
        if value is None:
            body.append(f'<text x="{centre:.1f}" y="{TOP + plot_height - 4:.1f}" text-anchor="middle">—</text>')
        else:
            height = plot_height * float(value) / top
            y = TOP + plot_height - height
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
                f'fill="{BARS[index % len(BARS)]}"/>'
            )
            body.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle">{_number_text(float(value))}</text>'
            )
        body.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 14:.1f}" text-anchor="middle">{escape(str(name))}</text>'
        )
    if reference is not None:
        y = TOP + plot_height * (1 - float(reference) / top)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#333" stroke-dasharray="4 3"/>'
        )
        body.append(
            f'<text x="{WIDTH - RIGHT}" y="{y - 3:.1f}" text-anchor="end" fill="#333">'
            f"{escape(str(reference_label))} {_number_text(float(reference))}</text>"
        )
    return _svg(body, label)


def grouped_bar_chart(categories, series: list[tuple[str, list, float]], *, label: str, top: float = 100) -> str:
    """Bars of several ``(name, values, reference)`` series side by side per category (None:
    no bar, "—"), each series' reference drawn as a dashed line in its colour, a legend."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(categories), 1)
    width = slot * 0.8 / max(len(series), 1)
    body = _axes(top)
    for number, (name, values, reference) in enumerate(series):
        colour = BARS[number % len(BARS)]
        for index, value in enumerate(values):
            x = LEFT + slot * index + slot * 0.1 + width * number
            centre = x + width / 2
            if value is None:
                body.append(f'<text x="{centre:.1f}" y="{TOP + plot_height - 4:.1f}" text-anchor="middle">—</text>')
                continue
            height = plot_height * min(float(value), top) / top
            y = TOP + plot_height - height
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"/>')
            body.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="8">'
                f"{_number_text(float(value))}</text>"
            )
        y = TOP + plot_height * (1 - float(reference) / top)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-dasharray="4 3"/>'
        )
        legend_x = LEFT + number * 140
        body.append(f'<rect x="{legend_x}" y="{HEIGHT - 12}" width="10" height="6" fill="{colour}"/>')
        body.append(
            f'<text x="{legend_x + 14}" y="{HEIGHT - 6}">{escape(str(name))} ≥ {_number_text(float(reference))}</text>'
        )
    for index, name in enumerate(categories):
        centre = LEFT + slot * index + slot / 2
        body.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 12:.1f}" text-anchor="middle">{escape(str(name))}</text>'
        )
    return _svg(body, label)


def line_chart(categories, series: list[tuple[str, list[int]]], *, label: str) -> str:
    """One polyline per ``(name, values)`` over ``categories``, with a legend."""
    top = _nice_top(max((v for _name, values in series for v in values), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 24  # the first and last month's labels inside the drawing
    step = (plot_width - 2 * inset) / max(len(categories) - 1, 1)
    left = LEFT + inset
    body = _axes(top)
    for index, name in enumerate(categories):
        x = left + step * index
        body.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14:.1f}" text-anchor="middle">{escape(name)}</text>')
    for number, (name, values) in enumerate(series):
        colour = BARS[number % len(BARS)]
        points = " ".join(
            f"{left + step * index:.1f},{TOP + plot_height * (1 - value / top):.1f}"
            for index, value in enumerate(values)
        )
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for index, value in enumerate(values):
            x, y = left + step * index, TOP + plot_height * (1 - value / top)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        legend_x = LEFT + number * 110
        body.append(f'<rect x="{legend_x}" y="{HEIGHT - 12}" width="10" height="6" fill="{colour}"/>')
        body.append(f'<text x="{legend_x + 14}" y="{HEIGHT - 6}">{escape(name)}</text>')
    return _svg(body, label)


def panel_chart(data: dict | None, label: str) -> str | None:
    """The SVG of one ``charts.chart_data`` entry: bars of ``labels``/``values``, or one
    bar of ``value`` against its ``ceiling`` or ``target``; None for another shape."""
    if not isinstance(data, dict):
        return None
    if "labels" in data and "values" in data:
        return bar_chart(data["labels"], data["values"], label=label)
    if "value" in data:
        reference = data.get("ceiling", data.get("target"))
        reference_label = data.get("ceiling_label", data.get("target_label", ""))
        return bar_chart(
            [data.get("label", label)],
            [data["value"]],
            label=label,
            reference=reference,
            reference_label=reference_label,
        )
    return None


# --- the report ----------------------------------------------------------------------------


def _months_back(period: Period, count: int) -> list[Period]:
    months, first = [], period.start
    for _index in range(count):
        months.append(month_period(first))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def alliance_section(user, period: Period, filters: Filters) -> dict:
    """The joint activities' panel (``alliance_panel``) with its chart as SVG."""
    panel = alliance_panel.alliance_panel(user, period, filters)
    data = alliance_panel.chart_data(panel)
    title = _("Joint activities")
    svg = None
    if panel["activities"]:
        svg = grouped_bar_chart(
            data["labels"],
            [(series["name"], series["values"], series["target"]) for series in data["series"]],
            label=title,
        )
    return {**panel, "title": title, "svg": svg}


def report_context(user, period: Period, now=None, filters: Filters = NO_FILTERS, plan=None) -> dict:
    """What the report shows, in the active language: the panels with their charts, the
    funnel of the last six months, the plan's tables (with ``plan``), the leaderboard
    and the joint activities. The summary's queries, 6 funnel queries, the plan panels',
    the leaderboard's and one for the joint activities."""
    summary = dashboard_summary(user=user, period=period, now=now, filters=filters)
    data = charts.chart_data(summary)
    panels = [
        {**panel, "svg": panel_chart(data.get(panel["id"].replace("-", "_")), panel["title"])}
        for panel in charts.panels(summary, period, filters)
    ]
    months = _months_back(period, TREND_MONTHS)
    counts = [funnel(user, month, filters=filters) for month in months]
    stages = {"submitted": _("Submitted"), "approved": _("Approved"), "signed": _("Signed")}
    trend_title = _("Onboarding funnel, last %(count)d months") % {"count": TREND_MONTHS}
    trend = {
        "title": trend_title,
        "months": [month.start.strftime("%Y-%m") for month in months],
        "rows": [
            {"month": month.start.strftime("%Y-%m"), **{stage: row[stage] for stage in stages}}
            for month, row in zip(months, counts, strict=True)
        ],
        "stages": list(stages.values()),
        "svg": line_chart(
            [month.start.strftime("%Y-%m") for month in months],
            [(name, [row[stage] for row in counts]) for stage, name in stages.items()],
            label=trend_title,
        ),
    }
    plan_section = plan_panels(plan, user, today=period.end) if plan is not None else None
    plan_rows = plan_section["progress"]["recruiters"] if plan_section else None
    return {
        "plan": plan_section,
        "leaderboard": leaderboard(user, period, plan_rows=plan_rows, filters=filters),
        "alliance": alliance_section(user, period, filters),
        "period": period,
        "month": period.start.strftime("%Y-%m"),
        "reader": user.get_full_name().strip() or user.get_username(),
        "panels": panels,
        "trend": trend,
        "printed_at": timezone.localtime(now) if now else timezone.localtime(),
    }


TEMPLATE = "dashboards/pdf/monthly_report.html"


def report_html(user, period: Period, now=None, filters: Filters = NO_FILTERS, plan=None) -> str:
    from django.template.loader import render_to_string

    with translation.override(REPORT_LANGUAGE):
        return render_to_string(TEMPLATE, report_context(user, period, now=now, filters=filters, plan=plan))


def report_pdf(user, period: Period, now=None, filters: Filters = NO_FILTERS, plan=None) -> bytes:
    """The month's report as PDF bytes, in Chinese."""
    with translation.override(REPORT_LANGUAGE):
        context = report_context(user, period, now=now, filters=filters, plan=plan)
    return render_pdf(TEMPLATE, context, language=REPORT_LANGUAGE)
