"""The back office's import of referrals from a CSV or XLSX file (issue 12 §2): the file's
rows become the rows of ``POST /api/v1/referrals/`` and go through the same service
(``alliance.referrals.referrals_import``: the same checks and messages, idempotent on the
customer reference, all or nothing). A refused file is shown again with every row at
fault, by its line in the file, and nothing is saved. Mounted under the referrals' admin.

Columns (first non-empty row; case, spaces and a bracketed unit ignored): activity
(活动), from_merchant (引流商户), to_merchant (接收商户), customer_ref (客户编号), spend
(消费金额), date (日期, YYYY-MM-DD).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.batches import BatchInvalid, RowsInvalid
from workplace.exceptions import ApplicationError
from workplace.spreadsheets import FileUnreadable, ReadFile, header_columns, header_table, read_table

from . import referrals
from .models import Referral

MAX_FILE_BYTES = 5 * 1024 * 1024
HEADERS = {
    "activity": {"activity", "activityid", "活动", "活动编号", "活动id"},
    "from_merchant": {"frommerchant", "referringmerchant", "引流商户", "推荐商户", "引流商户编号"},
    "to_merchant": {"tomerchant", "receivingmerchant", "接收商户", "接收商户编号"},
    "customer_ref": {"customerref", "customer", "customerreference", "客户编号", "客户", "客户参考号"},
    "spend": {"spend", "amount", "消费金额", "消费", "金额"},
    "date": {"date", "日期", "消费日期"},
}
FIELD_LABELS = {
    "activity": gettext_lazy("activity"),
    "from_merchant": gettext_lazy("referring merchant"),
    "to_merchant": gettext_lazy("receiving merchant"),
    "customer_ref": gettext_lazy("customer reference"),
    "spend": gettext_lazy("spend"),
    "date": gettext_lazy("date"),
    "non_field_errors": gettext_lazy("row"),
}


def _columns(header: list) -> dict[str, int]:
    columns, missing = header_columns(header, HEADERS)
    if missing:
        raise FileUnreadable(
            _(
                "The first row must name the columns activity, from_merchant, to_merchant, customer_ref, spend "
                "and date; not found: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        )
    return columns


def _cell(name: str, value):
    """A cell as the API's value: whole numbers as text, a date cell as YYYY-MM-DD."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer() and name != "spend":
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else str(value)


def _rows_from(table, name: str) -> ReadFile:
    return header_table(
        table,
        name,
        columns_of=_columns,
        row_of=lambda cells: {field: _cell(field, value) for field, value in cells.items()},
        max_rows=referrals.MAX_ROWS,
    )


def read_referral_file(upload) -> ReadFile:
    return read_table(upload, max_bytes=MAX_FILE_BYTES, rows_from=_rows_from)


def row_errors(error: RowsInvalid, read: ReadFile) -> list[dict]:
    """The service's errors by row index, as the file's lines with labelled fields."""
    shown = []
    for row in error.rows:
        shown.append(
            {
                "line": read.lines[row["index"]],
                "values": read.rows[row["index"]],
                "errors": [
                    (FIELD_LABELS.get(field, field), message)
                    for field, field_messages in row["errors"].items()
                    for message in field_messages
                ],
            }
        )
    return shown


class ReferralFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or XLSX; columns activity, from_merchant, to_merchant, customer_ref, spend and date (YYYY-MM-DD)."
        ),
    )


class ReferralImportView:
    """The upload page under the referrals' admin (``get_urls``)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def __call__(self, request):
        if not request.user.has_perm("alliance.add_referral"):
            raise PermissionDenied
        form = ReferralFileForm(request.POST, request.FILES) if request.method == "POST" else ReferralFileForm()
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": Referral._meta,
            "app_label": Referral._meta.app_label,
            "title": _("Import referrals"),
            "form": form,
            "rows": [],
        }
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                read = read_referral_file(form.cleaned_data["file"])
                result = referrals.referrals_import(user=request.user, rows=read.rows)
            except RowsInvalid as error:
                context["rows"] = row_errors(error, read)
                messages.error(request, str(error.message))
                status = 400
            except (FileUnreadable, BatchInvalid) as error:
                form.add_error("file", str(error.message))
                status = 400
            except ApplicationError as error:
                messages.error(request, str(error.message))
                status = 403 if error.status_code == 403 else 400
            else:
                messages.success(
                    request,
                    _("Imported %(name)s: %(created)d new, %(unchanged)d already recorded.")
                    % {"name": read.name, "created": result.created, "unchanged": result.unchanged},
                )
                return redirect("admin:alliance_referral_changelist")
        return TemplateResponse(request, "admin/alliance/referral/import.html", context, status=status)
