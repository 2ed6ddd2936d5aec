"""Every dashboard table as XLSX (issue 10 §4), in the reader's language.

The workbook is built from the page's own panels (``dashboards.charts.panels`` of the
same ``selectors.dashboard_summary`` call the page and the summary API make), one sheet
per panel, so the file holds exactly the page's numbers: counts as integers, percents
and working days as numbers with 2 places (a percent cell holds 60.00 for 60 %, shown
as "60.00 %"), a figure with nothing to divide by as an empty cell. Each row names the
page listing its records. The plan's tables (progress, phases and weeks, coverage,
quotas) follow, one sheet each, when a plan is shown (``?plan=``, else the current one);
then the recruiter leaderboard's and the joint activities' sheets (``alliance_panel.export_table``: by district, then by
activity, each rate with whether it meets its target). Text cells a spreadsheet would read as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe,
as in ``compensation.exports``.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .alliance_panel import export_table
from .selectors import Period

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in a sheet's name (and its 31-character limit).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EMPTY = "—"


def _text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def cell_value(value) -> tuple[object, str | None]:
    """A panel's value as a cell value and its number format: integers as they are,
    ``Decimal`` and "12.34 %" as numbers with 2 places, "—" as an empty cell, any other
    text as (guarded) text."""
    if value is None or value == EMPTY:
        return None, None
    if isinstance(value, bool):
        return _text(value), None
    if isinstance(value, int):
        return value, "0"
    if isinstance(value, Decimal | float):
        return Decimal(value).quantize(Decimal("0.01")), "0.00"
    text = str(value).strip()
    if text.endswith("%"):
        try:
            return Decimal(text[:-1].strip()).quantize(Decimal("0.01")), '0.00" %"'
        except InvalidOperation:
            pass
    return _text(text), None


def sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet"
    base, number = name, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def period_text(period: Period) -> str:
    return _("From %(start)s to %(end)s") % {"start": period.start.isoformat(), "end": period.end.isoformat()}


def dashboard_workbook(
    panels: list[dict], period: Period, *, absolute=None, plan=None, board=None, alliance=None
) -> bytes:
    """``panels`` (``charts.panels``) as an XLSX file, one sheet per panel: its title and
    period, then a row per figure (label, value, link to the records behind it).
    ``absolute(path)`` makes a link absolute (``request.build_absolute_uri``). With
    ``plan`` (``plan_panels.plan_panels``), a sheet per plan table after them; with
    ``board`` (``leaderboard.leaderboard``), the leaderboard's; with ``alliance``
    (``alliance_panel.alliance_panel``), the joint activities' sheet last."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for panel in panels:
        sheet = workbook.create_sheet(sheet_name(panel["title"], taken))
        sheet.append([_text(panel["title"]), _text(period_text(period))])
        sheet["A1"].font = bold
        if panel.get("note"):
            sheet.append([_text(panel["note"])])
        else:
            sheet.append([])
        sheet.append([_("Figure"), _("Value"), _("Records")])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in panel["rows"]:
            value, number_format = cell_value(row["value"])
            url = row.get("url")
            link = (absolute(url) if absolute else url) if url else None
            sheet.append([_text(row["label"]), value, _text(link) if link else None])
            current = sheet.max_row
            if number_format:
                sheet.cell(current, 2).number_format = number_format
            if link:
                sheet.cell(current, 3).hyperlink = link
        for column, width in zip("ABC", (36, 14, 60), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    if plan:
        subtitle = f"{plan['plan'].name} ({plan['plan'].starts_on:%Y-%m-%d} – {plan['plan'].ends_on:%Y-%m-%d})"
        add_tables(workbook, plan_tables(plan), subtitle, taken)
    if board is not None:
        add_tables(workbook, [leaderboard_table(board)], period_text(period), taken)
    if alliance is not None:
        add_tables(workbook, [export_table(alliance)], period_text(period), taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _percent(value):
    return None if value in (None, "") else f"{value} %"


def plan_tables(panels: dict) -> list[dict]:
    """The page's plan tables (``plan_panels.plan_panels``): ``title`` and ``blocks`` of
    (header, rows), in the page's order and columns."""
    target, signed, attainment = _("Target"), _("Signed"), _("Attainment")
    progress = [
        [row["label"], row["target"], row["signed"], _percent(row["attainment"])]
        for row in (*panels["segments"], *panels["categories"])
    ]
    phases = [
        [
            row["name"],
            f"{row['period']['starts_on']:%Y-%m-%d} – {row['period']['ends_on']:%Y-%m-%d}",
            row["region_names"],
            row["target"],
            row["signed"],
            _percent(row["attainment"]),
        ]
        for row in panels["phases"]
    ]
    weeks = [
        [f"{week['start']:%Y-%m-%d} – {week['end']:%Y-%m-%d}", week["signed"], week["cumulative"], week["target"]]
        for week in panels["burn_up"]["weeks"]
    ]
    districts = [
        [row["name"], row["target"], row["signed"], _percent(row["attainment"])] for row in panels["districts"]
    ]
    quotas = [
        [row["name"], row["target"], row["signed"], _percent(row["attainment"])]
        for row in panels["progress"]["recruiters"]
    ]
    return [
        {
            "title": _("Plan progress by segment and category"),
            "blocks": [([_("Segment or category"), target, signed, attainment], progress)],
        },
        {
            "title": _("Phase burn-up"),
            "blocks": [
                ([_("Phase"), _("Dates"), _("Regions"), target, signed, attainment], phases),
                ([_("Week"), signed, _("Cumulative"), target], weeks),
            ],
        },
        {
            "title": _("Coverage by district"),
            "blocks": [([_("District or county"), target, signed, attainment], districts)],
        },
        {"title": _("Quotas"), "blocks": [([_("Recruiter"), _("Quota"), signed, attainment], quotas)]},
    ]


def leaderboard_table(rows: list[dict]) -> dict:
    """The page's leaderboard (``leaderboard.leaderboard``) as one table of ``add_tables``."""
    header = [
        _("Rank"),
        _("Recruiter"),
        _("Signings"),
        _("Signing points"),
        _("Customer service points"),
        pgettext("recruiter points", "Points"),
        _("Quota"),
        _("Quota attainment"),
    ]
    lines = [
        [
            row["rank"],
            row["name"],
            row["signings"],
            row["signing_points"],
            row["service_points"],
            row["points"],
            row["quota"],
            _percent(row["attainment"]),
        ]
        for row in rows
    ]
    return {"title": _("Recruiter leaderboard"), "blocks": [(header, lines)]}


def add_tables(workbook, tables: list[dict], subtitle: str, taken: set[str]) -> None:
    """``tables`` (``plan_tables``) as one sheet each: title and subtitle, then each
    block's bold header and rows (numbers as numbers, text guarded)."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table["title"], taken))
        sheet.append([_text(table["title"]), _text(subtitle)])
        sheet["A1"].font = bold
        for header, rows in table["blocks"]:
            sheet.append([])
            sheet.append([_text(name) for name in header])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in rows:
                cells = [cell_value(value) for value in row]
                sheet.append([value for value, _format in cells])
                for column, (_value, number_format) in enumerate(cells, start=1):
                    if number_format:
                        sheet.cell(sheet.max_row, column).number_format = number_format
        sheet.column_dimensions["A"].width = 30
        for column in "BCDEF":
            sheet.column_dimensions[column].width = 14
