"""The shared CSV/XLSX reader of the imports (workplace.spreadsheets): a workbook that
would inflate past the limit (a decompression bomb) is refused from its zip directory,
before anything is inflated; the other refusals name what is wrong."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from workplace.spreadsheets import FileUnreadable, read_table


def rows_of(numbered, name):
    return [(line, list(cells)) for line, cells in numbered]


def read(name, data, **options):
    with translation.override("en"):
        return read_table(SimpleUploadedFile(name, data), max_bytes=5 * 1024 * 1024, rows_from=rows_of, **options)


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb() -> bytes:
    """A valid-looking workbook whose sheet inflates from a few hundred kilobytes to 300 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes([["a"]])), "r") as source:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, source.read(item))
            with target.open("xl/worksheets/padding.xml", "w") as padding:
                chunk = b" " * (1024 * 1024)
                for _n in range(300):
                    padding.write(chunk)
    return buffer.getvalue()


def test_it_reads_a_csv_in_gb18030_and_a_workbook():
    assert read("a.csv", "名称;金额\n甲;1\n".encode("gb18030")) == [(1, ["名称", "金额"]), (2, ["甲", "1"])]
    assert read("a.xlsx", workbook_bytes([["名称", "金额"], ["甲", 1]])) == [(1, ["名称", "金额"]), (2, ["甲", 1])]


def test_a_decompression_bomb_is_refused_before_it_is_inflated(monkeypatch):
    data = bomb()
    assert len(data) < 2 * 1024 * 1024
    inflated = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: inflated.append(1))
    with pytest.raises(FileUnreadable, match="MB"):
        read("bomb.xlsx", data)
    assert inflated == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("a.pdf", b"%PDF-1.4", "CSV or XLSX"),
        ("a.csv", b"", "no rows"),
        ("a.csv", b"\xff\xfe\x00\x00\x81", "UTF-8"),
        ("a.xlsx", b"not a zip", "XLSX workbook"),
        ("a.xlsx", b"PK\x03\x04broken", "could not be read"),
    ],
)
def test_each_refusal_says_what_is_wrong(name, data, message):
    with pytest.raises(FileUnreadable, match=message):
        read(name, data)


def test_a_file_over_the_size_limit_is_refused_unread():
    with pytest.raises(FileUnreadable, match="5 MB"):
        read("a.csv", b"x" * (5 * 1024 * 1024 + 1))


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with its member ``name`` replaced by ``content`` (added when
    it has none)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
        target.writestr(name, content)
    return buffer.getvalue()


def test_workbook_xml_is_parsed_through_defusedxml_and_an_entity_is_refused():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    data = workbook_bytes([["名称"], ["甲"]])
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet)
    assert read("a.xlsx", with_member(data, sheet, xml)) == [(1, ["名称"]), (2, ["甲"])]
    declared = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY big "expanded">]>\n' + xml
    declared = declared.replace("甲".encode(), b"&big;")
    with pytest.raises(FileUnreadable, match="could not be read"):
        read("a.xlsx", with_member(data, sheet, declared))


def shared_strings(count: int) -> bytes:
    items = "".join(f"<si><t>商户{n:06d}</t></si>" for n in range(count))
    return (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}">{items}</sst>'
    ).encode()


def test_shared_strings_over_their_own_limit_are_refused_before_they_are_read(monkeypatch):
    """openpyxl holds a workbook's shared strings in memory whole, row by row or not."""
    monkeypatch.setattr("workplace.spreadsheets.MAX_XLSX_SHARED_STRINGS", 4096)
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    book = workbook_bytes([["名称"]])
    with pytest.raises(FileUnreadable, match="text inflates to more than"):
        read("a.xlsx", with_member(book, "xl/sharedStrings.xml", shared_strings(200)))
    assert opened == []
    with pytest.raises(AttributeError):  # past the check, into the stand-in load_workbook
        read("a.xlsx", with_member(book, "xl/sharedStrings.xml", shared_strings(10)))
    assert opened == [1]
