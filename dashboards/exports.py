"""Every dashboard table as XLSX (issue 10 §4), in the reader's language.

The workbook is built from the page's own panels (``dashboards.charts.panels`` of the
same ``selectors.dashboard_summary`` call the page and the summary API make), one sheet
per panel, so the file holds exactly the page's numbers: counts as integers, percents
and working days as numbers with 2 places (a percent cell holds 60.00 for 60 %, shown
as "60.00 %"), a figure with nothing to divide by as an empty cell. Each row names the
page listing its records. Text cells a spreadsheet would read as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe,
as in ``compensation.exports``.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

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


def dashboard_workbook(panels: list[dict], period: Period, *, absolute=None) -> bytes:
    """``panels`` (``charts.panels``) as an XLSX file, one sheet per panel: its title and
    period, then a row per figure (label, value, link to the records behind it).
    ``absolute(path)`` makes a link absolute (``request.build_absolute_uri``)."""
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
