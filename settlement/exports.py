"""The reconciliation export (对账表, XLSX): per statement its merchant, period, gross,
commission, net, payable on, status and paid on, then the totals — the statements and
figures of the back office's list with the same filters. Amounts are numbers with two
decimals (Excel sums them); headers in the reader's language."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.calendar import SHANGHAI

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
COLUMNS = (
    ("merchant_id", 10),
    ("merchant", 30),
    ("period_start", 12),
    ("period_end", 12),
    ("gross", 14),
    ("commission", 14),
    ("net", 14),
    ("payable_on", 12),
    ("status", 10),
    ("paid_on", 12),
)


def headers() -> list[str]:
    return [
        _("Merchant id"),
        _("Merchant"),
        _("Period start"),
        _("Period end"),
        _("Gross"),
        _("Commission"),
        _("Net"),
        _("Payable on"),
        _("Status"),
        _("Paid on"),
    ]


def filename(filters) -> str:
    if filters.month:
        return f"reconciliation-{filters.month}.xlsx"
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else "start"
        end = filters.date_to.isoformat() if filters.date_to else "today"
        return f"reconciliation-{start}-{end}.xlsx"
    return f"reconciliation-{timezone.localdate().isoformat()}.xlsx"


def statement_row(statement) -> list:
    paid_on = timezone.localtime(statement.paid_at, SHANGHAI).date() if statement.paid_at else None
    return [
        statement.merchant_id,
        statement.merchant.name,
        statement.period_start,
        statement.period_end,
        statement.gross,
        statement.commission,
        statement.net,
        statement.payable_on,
        statement.get_status_display(),
        paid_on,
    ]


def reconciliation_workbook(statements, *, totals: dict, filters) -> bytes:
    """The workbook of ``statements`` (a queryset, read in chunks) and their ``totals``
    (``common.statement_totals``, the page's figures)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Reconciliation")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for statement in statements.iterator(chunk_size=2000):
        sheet.append(statement_row(statement))
        row = sheet.max_row
        for column in (3, 4, 8, 10):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
        for column in (5, 6, 7):
            sheet.cell(row=row, column=column).number_format = MONEY
    sheet.append([])
    total_rows = (
        [
            _("Total"),
            _("%(count)d statements") % {"count": totals["count"]},
            None,
            None,
            totals["gross"],
            totals["commission"],
            totals["net"],
        ],
        [
            _("Of which paid"),
            _("%(count)d statements") % {"count": totals["paid_count"]},
            None,
            None,
            None,
            None,
            totals["paid"],
        ],
    )
    for values in total_rows:
        sheet.append(values)
        row = sheet.max_row
        for cell in sheet[row]:
            cell.font = Font(bold=True)
        for column in (5, 6, 7):
            sheet.cell(row=row, column=column).number_format = MONEY
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
