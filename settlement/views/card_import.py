"""Finance's import of card transactions from a CSV or XLSX file (issue 11 §2): the file's
rows become the rows of ``POST /api/v1/card-transactions/`` and go through the same
service (``settlement.services.card_transactions.card_transactions_import``: the same
checks and messages, idempotent on the reference, all or nothing). A refused file is shown
again with every row at fault, by its line in the file, and nothing is saved. Finance and
admins only.

Columns (first non-empty row; case, spaces and a bracketed unit ignored): merchant (商户编号),
date (日期, YYYY-MM-DD), amount (金额, yuan) and reference (流水号, the card system's key).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.batches import BatchInvalid, RowsInvalid
from workplace.exceptions import ApplicationError
from workplace.spreadsheets import FileUnreadable, ReadFile, header_columns, header_table, read_table

from ..services import card_transactions
from .back_office import may_import

MAX_FILE_BYTES = 5 * 1024 * 1024
HEADERS = {
    "merchant": {"merchant", "merchantid", "商户", "商户编号", "商户id"},
    "date": {"date", "day", "日期", "消费日期", "交易日期"},
    "amount": {"amount", "spend", "金额", "消费金额", "交易金额"},
    "reference": {"reference", "ref", "流水号", "参考号", "交易流水号", "交易编号"},
}
FIELD_LABELS = {
    "merchant": gettext_lazy("merchant"),
    "date": gettext_lazy("date"),
    "amount": gettext_lazy("amount"),
    "reference": gettext_lazy("reference"),
    "non_field_errors": gettext_lazy("row"),
}
_WHOLE = re.compile(r"^\d{1,18}$", re.ASCII)


def _columns(header: list) -> dict[str, int]:
    columns, missing = header_columns(header, HEADERS)
    if missing:
        raise FileUnreadable(
            _("The first row must name the columns merchant, date, amount and reference; not found: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    return columns


def _cell(name: str, value):
    """A cell as the API's value: the merchant a whole number, a date YYYY-MM-DD, the
    amount and the reference as text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if name == "merchant":
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _WHOLE.match(value.strip()):
            return int(value.strip())
        return str(value)
    if isinstance(value, float) and value.is_integer() and name == "reference":
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else str(value)


def _rows_from(table, name: str) -> ReadFile:
    return header_table(
        table,
        name,
        columns_of=_columns,
        row_of=lambda cells: {field: _cell(field, value) for field, value in cells.items()},
        max_rows=card_transactions.MAX_ROWS,
    )


def read_card_file(upload) -> ReadFile:
    return read_table(upload, max_bytes=MAX_FILE_BYTES, rows_from=_rows_from)


def row_errors(error: RowsInvalid, read: ReadFile) -> list[dict]:
    """The service's errors by row index, as the file's lines with labelled fields."""
    return [
        {
            "line": read.lines[row["index"]],
            "values": read.rows[row["index"]],
            "errors": [
                (FIELD_LABELS.get(field, field), message)
                for field, field_messages in row["errors"].items()
                for message in field_messages
            ],
        }
        for row in error.rows
    ]


class CardFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or XLSX; columns merchant, date (YYYY-MM-DD), amount and reference."),
    )


@login_required
def card_transactions_upload(request):
    """The upload page: finance and admins."""
    if not may_import(request.user):
        raise PermissionDenied
    form = CardFileForm(request.POST, request.FILES) if request.method == "POST" else CardFileForm()
    context = {"form": form, "rows": [], "max_rows": card_transactions.MAX_ROWS}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                read = read_card_file(form.cleaned_data["file"])
                result = card_transactions.card_transactions_import(user=request.user, rows=read.rows)
            except RowsInvalid as error:
                context["rows"] = row_errors(error, read)
                messages.error(request, str(error.message))
            except (FileUnreadable, BatchInvalid) as error:
                form.add_error("file", str(error.message))
            except ApplicationError as error:
                messages.error(request, str(error.message))
                status = error.status_code if error.status_code >= 400 else 400
            else:
                messages.success(
                    request,
                    _("Imported %(name)s: %(created)d new, %(unchanged)d already recorded.")
                    % {"name": read.name, "created": result.created, "unchanged": result.unchanged},
                )
                return redirect("settlement:card_import")
    return render(request, "settlement/back_office/card_import.html", context, status=status)
