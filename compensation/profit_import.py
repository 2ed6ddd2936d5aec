"""The back office's import of terminal profits from a CSV or XLSX file (issue 9, item 1):
upload, a preview of every row as it will be saved (new, or the old figure → the new one)
with each row's errors in the reader's language, then a confirmation that saves the whole
file or nothing.

Why not django-import-export: the rows must be checked exactly as the API checks them
(``compensation.services.profits``: the same plain functions, the same messages, the same
single upsert whose queries do not grow with the rows), and a file of a month's profits is
three columns. django-import-export would bring its own row validation, its own
per-row saving and its dependencies (tablib, diff-match-patch) into pyproject.toml and
requirements.lock, to replace about two hundred lines on openpyxl (already a dependency)
and the standard ``csv`` module.

The confirmation never trusts the browser: the rows read from the upload are kept in the
session under a random token, and the confirmation checks them again against the
database of that moment (a terminal removed or a record changed since the preview is seen).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError
from workplace.spreadsheets import FileUnreadable, ReadFile, header_columns, header_table, read_table

from .models import ProfitRecord
from .services import profits

MAX_FILE_BYTES = 10 * 1024 * 1024
SESSION_KEY = "compensation.profit_import"

# Accepted headers per field, compared without case, spaces, underscores and a unit in
# brackets ("分润（元）").
HEADERS = {
    "terminal_serial": {
        "terminalserial",
        "serial",
        "serialnumber",
        "terminal",
        "terminalno",
        "终端编号",
        "序列号",
        "终端序列号",
        "终端号",
        "机具编号",
        "sn",
    },
    "month": {"month", "月份", "月", "年月"},
    "profit": {"profit", "分润", "利润", "分润金额", "金额"},
}
TEMPLATE_HEADERS = {"zh-hans": ["终端编号", "月份", "分润"], "en": ["terminal_serial", "month", "profit"]}

_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$", re.ASCII)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)


def _columns(header: list) -> dict[str, int]:
    columns, missing = header_columns(header, HEADERS)
    if missing:
        raise FileUnreadable(
            _(
                "The first row must name the columns terminal serial (终端编号), month (月份) and profit (分润); "
                "not found: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        )
    return columns


def _serial_cell(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if value is None or isinstance(value, str) else str(value)


def _month_cell(value):
    if isinstance(value, dt.datetime | dt.date):
        # A spreadsheet turns "2026-10" into the date 2026-10-01; another day is not a month.
        return f"{value:%Y-%m}" if value.day == 1 else value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        match = _MONTH_TEXT.match(value.strip())
        if match:
            return f"{match[1]}-{int(match[2]):02d}"
        return value
    return value if value is None else str(value)


def _profit_cell(value):
    # A number cell stays a number (kept as JSON in the session; checked as the API's).
    if isinstance(value, str) and _THOUSANDS.match(value.strip()):
        return value.strip().replace(",", "")
    if isinstance(value, str) and not value.strip():
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a date or a time in the profit column: refused as not a number


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _profit_row(value: dict) -> dict:
    return {
        "terminal_serial": _serial_cell(value["terminal_serial"]),
        "month": _month_cell(value["month"]),
        "profit": _profit_cell(value["profit"]),
    }


def _rows_from(table, name: str) -> ReadFile:
    return header_table(
        table,
        name,
        columns_of=_columns,
        row_of=_profit_row,
        max_rows=profits.MAX_FILE_ROWS,
        no_header_message=_("The file is empty."),
    )


def read_profit_file(upload) -> ReadFile:
    """The rows of an uploaded CSV or XLSX file, as the API's rows (text values), with the
    file's line number of each. Raises ``FileUnreadable`` with a message for the user."""
    return read_table(upload, max_bytes=MAX_FILE_BYTES, rows_from=_rows_from, empty_message=_("The file is empty."))


# --- the pages ------------------------------------------------------------------------------


class ProfitFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or XLSX; columns terminal serial (终端编号), month (月份, YYYY-MM) and profit (分润)."
        ),
    )


FIELD_LABELS = {
    "terminal_serial": gettext_lazy("terminal serial"),
    "month": gettext_lazy("month"),
    "profit": gettext_lazy("profit"),
    "non_field_errors": gettext_lazy("row"),
}


def _preview_rows(plan, read: ReadFile):
    shown = []
    for planned, raw in zip(plan.rows, read.rows, strict=True):
        shown.append(
            {
                "line": planned.index,
                "serial": planned.serial or raw.get("terminal_serial") or "",
                "merchant": planned.terminal.merchant.name if planned.terminal else "",
                "month": f"{planned.month:%Y-%m}" if planned.month else raw.get("month") or "",
                "profit": planned.profit if planned.profit is not None else raw.get("profit") or "",
                "old": planned.old_profit,
                "action": None if planned.errors else planned.action,
                "unchanged": not planned.errors and not planned.changed,
                "errors": [
                    (FIELD_LABELS.get(field, field), message)
                    for field, field_messages in planned.errors.items()
                    for message in field_messages
                ],
            }
        )
    # Rows in error first, so a long file shows what to fix at the top.
    shown.sort(key=lambda row: (not row["errors"], row["line"]))
    return shown


class ProfitImportViews:
    """The import's three pages, mounted under the ProfitRecord admin (``get_urls``)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _context(self, request, **extra):
        opts = ProfitRecord._meta
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "title": _("Import terminal profits"),
            "changelist_url": reverse("admin:compensation_profitrecord_changelist"),
            "template_csv_url": reverse("admin:compensation_profitrecord_import_template", args=["csv"]),
            "template_xlsx_url": reverse("admin:compensation_profitrecord_import_template", args=["xlsx"]),
            **extra,
        }

    def _check(self, request):
        if not request.user.has_perm(profits.PERMISSION):
            raise PermissionDenied

    def upload(self, request):
        self._check(request)
        form = ProfitFileForm(request.POST, request.FILES) if request.method == "POST" else ProfitFileForm()
        if request.method == "POST" and form.is_valid():
            try:
                read = read_profit_file(form.cleaned_data["file"])
            except FileUnreadable as error:
                form.add_error("file", str(error.message))
            else:
                token = secrets.token_urlsafe(16)
                # One pending import per session: a new upload replaces the previous one.
                request.session[SESSION_KEY] = {
                    "token": token,
                    "name": read.name,
                    "rows": read.rows,
                    "lines": read.lines,
                }
                return self._preview(request, read, token)
        return TemplateResponse(
            request, "admin/compensation/profitrecord/import.html", self._context(request, form=form)
        )

    def _preview(self, request, read: ReadFile, token: str | None, *, refused: bool = False, status: int = 200):
        plan = profits.plan_profit_rows(read.rows, indexes=read.lines)
        rows = _preview_rows(plan, read)
        in_error = sum(1 for row in rows if row["errors"])
        context = self._context(
            request,
            title=_("Import terminal profits: preview"),
            file_name=read.name,
            rows=rows,
            total=len(rows),
            in_error=in_error,
            created=sum(1 for row in rows if row["action"] == profits.Action.CREATE),
            updated=sum(1 for row in rows if row["action"] == profits.Action.UPDATE),
            token=token if not in_error else None,
            refused=refused,
        )
        return TemplateResponse(request, "admin/compensation/profitrecord/import_preview.html", context, status=status)

    def confirm(self, request):
        self._check(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        pending = request.session.get(SESSION_KEY)
        if not pending or not secrets.compare_digest(str(pending.get("token", "")), request.POST.get("token", "")):
            messages.error(
                request,
                _(
                    "This import is no longer waiting (saved already, or replaced by a newer upload). Upload the file again."
                ),
            )
            return redirect("admin:compensation_profitrecord_import")
        read = ReadFile(name=pending["name"], rows=pending["rows"], lines=pending["lines"])
        try:
            result = profits.profit_records_import(user=request.user, rows=read.rows, lines=read.lines)
        except profits.ProfitRowsInvalid:
            messages.error(
                request, _("Nothing was saved: some rows are no longer valid. Fix the file and upload it again.")
            )
            return self._preview(request, read, None, refused=True, status=400)
        except ApplicationError as error:
            messages.error(request, str(error.message))
            return redirect("admin:compensation_profitrecord_import")
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _("Saved %(name)s: %(created)d new, %(updated)d updated.")
            % {"name": read.name, "created": result.created, "updated": result.updated},
        )
        return redirect("admin:compensation_profitrecord_changelist")

    def template(self, request, kind):
        self._check(request)
        headers = TEMPLATE_HEADERS["en" if (get_language() or "").startswith("en") else "zh-hans"]
        if kind == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response.write("\ufeff")  # so that Excel opens it as UTF-8
            csv.writer(response).writerow(headers)
        else:
            from openpyxl import Workbook
            from openpyxl.styles import Font

            workbook = Workbook()
            sheet = workbook.active
            sheet.title = "profits"
            sheet.append(headers)
            for column in ("A", "B", "C"):
                sheet[f"{column}1"].font = Font(bold=True)
                sheet.column_dimensions[column].width = 18
            # The month as text, so that "2026-10" stays as typed.
            for row in range(2, 1002):
                sheet[f"B{row}"].number_format = "@"
            buffer = io.BytesIO()
            workbook.save(buffer)
            response = HttpResponse(
                buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response["Content-Disposition"] = f'attachment; filename="terminal-profits.{kind}"'
        return response
