"""A run as a workbook and a payslip as PDF (issue 9 §4), in the reader's language.

The workbook has one sheet of lines (one row per person, the amounts as numbers) and one
of explanations (one row per item, with the amount field it adds to). Text cells that a
spreadsheet would read as a formula (a name starting with ``=``, ``+``, ``-`` or ``@``)
are written with a leading apostrophe-quote so they stay text.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.pdf import render_pdf

from . import explain
from .models import PayrollLine, PayrollRun
from .services.lines import AMOUNT_FIELDS
from .services.runs import is_preview

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _field_label(name: str) -> str:
    """The column's name (``points``, an amount field or ``total``) in the active language."""
    return str(PayrollLine._meta.get_field(name).verbose_name)


def person(line: PayrollLine) -> str:
    staff = line.staff
    full = staff.get_full_name().strip()
    return f"{full} ({staff.username})" if full else staff.username


def run_title(run: PayrollRun) -> str:
    return f"{run.get_kind_display()} {run.period}"


def run_workbook(run: PayrollRun, lines) -> bytes:
    """``lines`` (with their staff, department and items) of ``run`` as an XLSX file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Lines")[:31]
    bold = Font(bold=True)
    status = run.get_status_display()
    if run.status == "draft" and is_preview(run):
        status = _("%(status)s (preview: the period has not ended)") % {"status": status}
    sheet.append([_text(run_title(run)), _text(status)])
    sheet.append([])
    header = [_("Username"), _("Name"), _("Department"), _field_label("points")]
    header += [_field_label(name) for name in AMOUNT_FIELDS] + [_field_label("total")]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = bold
    details = workbook.create_sheet(_("Explanations")[:31])
    details.append(
        [_("Username"), _("Name"), _("Adds to"), _("What"), _("Amount"), _field_label("points"), _("Source")]
    )
    for cell in details[1]:
        cell.font = bold
    for line in lines:
        row = [
            _text(line.staff.username),
            _text(line.staff.get_full_name()),
            _text(line.department.name if line.department_id else ""),
            line.points,
        ]
        row += [getattr(line, name) for name in AMOUNT_FIELDS] + [line.total]
        sheet.append(row)
        for cell in sheet[sheet.max_row][3:]:
            cell.number_format = "0.00"
        for item in line.items.all():
            field = explain.field_of(item)
            details.append(
                [
                    _text(line.staff.username),
                    _text(line.staff.get_full_name()),
                    _text(_field_label(field) if field else ""),
                    _text(explain.describe(item)),
                    item.amount,
                    item.points,
                    _text(explain.source_url(item)),
                ]
            )
            for cell in details[details.max_row][4:6]:
                cell.number_format = "0.00"
    for worksheet, widths in ((sheet, [16, 16, 16] + [12] * 10), (details, [16, 16, 16, 80, 12, 10, 40])):
        for index, width in enumerate(widths):
            worksheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def payslip_context(line: PayrollLine) -> dict:
    groups = explain.grouped(line)
    rows = [
        {"label": _field_label(name), "amount": getattr(line, name), "items": groups.get(name, [])}
        for name in AMOUNT_FIELDS
    ]
    return {
        "run": line.run,
        "line": line,
        "person": person(line),
        "title": run_title(line.run),
        "preview": line.run.status == "draft" and is_preview(line.run),
        "rows": rows,
        "point_items": groups.get("points", []),
        "printed_at": timezone.localtime(),
    }


def payslip_pdf(line: PayrollLine) -> bytes:
    """One person's payslip of a run (the line with its run, staff, department, items)."""
    return render_pdf("compensation/pdf/payslip.html", payslip_context(line))
