"""Reading an uploaded CSV or XLSX file into numbered rows, for the back office's imports
(terminal profits, referrals, card transactions). Each import keeps its own columns and
cells (``rows_from``); the file's reading, its limits and its refusals are here, once.

- CSV: UTF-8 (with or without BOM) or GB18030 (what Chinese Excel writes), the delimiter
  taken from the header line (comma, semicolon or tab).
- XLSX: openpyxl, read-only, values only, the first sheet. A workbook is a zip: before
  openpyxl inflates anything the archive's declared sizes are checked, so a decompression
  bomb (a few kilobytes that inflate to gigabytes) is refused, not expanded. The shared
  strings, which openpyxl holds in memory whole even when reading row by row, have a
  smaller limit of their own. openpyxl parses through defusedxml (a dependency, which
  openpyxl takes up by itself when installed): a workbook declaring XML entities or a
  DTD is refused instead of expanded.
- Every refusal is a ``FileUnreadable`` (400) with a message for the user.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .exceptions import ApplicationError

MAX_XLSX_INFLATED = 100 * 1024 * 1024  # all members together, once inflated
MAX_XLSX_MEMBERS = 1000
MAX_XLSX_SHARED_STRINGS = 20 * 1024 * 1024  # xl/sharedStrings.xml inflated: held in memory whole
MAX_XLSX_RATIO = 200  # inflated ÷ compressed, for any member over 1 MB inflated


class FileUnreadable(ApplicationError):
    default_code = "unreadable_file"


NumberedRows = Iterator[tuple[int, list]]


def read_table(
    upload,
    *,
    max_bytes: int,
    rows_from: Callable[[NumberedRows, str], object],
    empty_message: str | None = None,
):
    """``rows_from(numbered rows, file name)`` over the upload's first table; what it returns."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    empty = empty_message or _("The file has no rows to import.")
    if upload.size > max_bytes:
        raise FileUnreadable(_("The file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)})
    if extension == "xls":
        raise FileUnreadable(_("Old Excel files (.xls) are not read: save the file as XLSX or CSV."))
    if extension not in ("csv", "xlsx"):
        raise FileUnreadable(_("Upload a CSV or XLSX file."))
    data = upload.read()
    if not data:
        raise FileUnreadable(empty)
    if extension == "csv":
        return _read_csv(data, name, rows_from)
    return _read_xlsx(data, name, rows_from, empty)


def _read_csv(data: bytes, name: str, rows_from):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable(_("The CSV file is not text in UTF-8 or GB18030."))
    if "\x00" in text:
        raise FileUnreadable(_("The file is not a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        return rows_from(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1), name)
    except csv.Error:
        raise FileUnreadable(_("The CSV file could not be read.")) from None


def check_archive(data: bytes) -> None:
    """Refuse a zip whose declared contents are too many or inflate too far."""
    unreadable = _("The XLSX workbook could not be read.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileUnreadable(unreadable) from error
    too_big = _("The XLSX workbook inflates to more than %(size)d MB; it is not read.") % {
        "size": MAX_XLSX_INFLATED // (1024 * 1024)
    }
    if len(members) > MAX_XLSX_MEMBERS:
        raise FileUnreadable(unreadable)
    if sum(member.file_size for member in members) > MAX_XLSX_INFLATED:
        raise FileUnreadable(too_big)
    for member in members:
        if member.filename.lower() == "xl/sharedstrings.xml" and member.file_size > MAX_XLSX_SHARED_STRINGS:
            raise FileUnreadable(
                _("The XLSX workbook's text inflates to more than %(size)d MB; it is not read.")
                % {"size": MAX_XLSX_SHARED_STRINGS // (1024 * 1024)}
            )
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise FileUnreadable(too_big)


def _read_xlsx(data: bytes, name: str, rows_from, empty: str):
    from openpyxl import load_workbook

    unreadable = _("The XLSX workbook could not be read.")
    if not data.startswith(b"PK\x03\x04"):
        raise FileUnreadable(_("The file is not an XLSX workbook."))
    check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise FileUnreadable(unreadable) from error
    try:
        if not workbook.worksheets:
            raise FileUnreadable(empty)
        return rows_from(enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1), name)
    except ApplicationError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise FileUnreadable(unreadable) from error
    finally:
        workbook.close()


@dataclass
class ReadFile:
    """An import file's rows (as the API's rows) and the file line each came from."""

    name: str
    rows: list[dict]
    lines: list[int]


_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def header_key(value) -> str:
    """A header cell as compared: brackets (units, notes) dropped, case, spaces, dashes,
    underscores and asterisks ignored ("终端编号（SN）*" → "终端编号")."""
    text = _BRACKETED.sub("", str(value or "")).strip().lower()
    return re.sub(r"[\s_\-*]", "", text)


def header_columns(header, accepted: dict[str, set]) -> tuple[dict[str, int], list[str]]:
    """The position of each wanted column (``{name: accepted header keys}``) in a header
    row, the first match winning, and the names not found."""
    columns: dict[str, int] = {}
    for position, value in enumerate(header):
        key = header_key(value)
        for name, keys in accepted.items():
            if key in keys and name not in columns:
                columns[name] = position
    return columns, [name for name in accepted if name not in columns]


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def header_table(
    table: NumberedRows,
    name: str,
    *,
    columns_of: Callable[[list], dict[str, int]],
    row_of: Callable[[dict], dict],
    max_rows: int,
    no_header_message: str | None = None,
) -> ReadFile:
    """An import's rows from a numbered table: blank lines skipped, the first other line
    the header (``columns_of`` finds the columns or refuses), each further line's cells by
    column name through ``row_of``; more than ``max_rows`` rows refused."""
    columns = None
    rows, lines = [], []
    for line, cells in table:
        cells = list(cells)
        if all(_blank(cell) for cell in cells):
            continue
        if columns is None:
            columns = columns_of(cells)
            continue
        if len(rows) >= max_rows:
            raise FileUnreadable(
                _("A file holds at most %(max)d rows. Split it into several files.") % {"max": max_rows}
            )
        rows.append(row_of({field: cells[pos] if pos < len(cells) else None for field, pos in columns.items()}))
        lines.append(line)
    if columns is None and no_header_message:
        raise FileUnreadable(no_header_message)
    if not rows:
        raise FileUnreadable(_("The file has no rows to import."))
    return ReadFile(name=name, rows=rows, lines=lines)
