"""Upload attacks (issue 13): each refused with a 400 naming the field, and nothing stored —
no row and no file. What is accepted is stored under the detected type's extension, never
the client's name."""

import struct
import zlib

import pytest

from merchants.models import Document
from merchants.samples import jpeg_bytes, pdf_bytes, png_bytes
from tests.factories.merchants import APPLICATION_PROFILE

from .conftest import upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"
PROFILE = APPLICATION_PROFILE


def pdf_with(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    return pdf_bytes("Certificate", catalog_extra=catalog_extra + b" ", extra_objects=extra_objects)


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


ATTACKS = {
    "exe_named_pdf": ("licence.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "file_type_invalid"),
    "zero_bytes": ("licence.pdf", b"", None),
    "html_page": ("licence.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", None),
    "svg_with_script": (
        "licence.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
        None,
    ),
    "pdf_html_polyglot": ("licence.pdf", pdf_bytes() + b"\n<html><script>alert(1)</script></html>\n", "file_unsafe"),
    "pdf_open_action_script": (
        "licence.pdf",
        pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
        "file_unsafe",
    ),
    "pdf_open_action_hex_escaped": (
        "licence.pdf",
        pdf_with(b"/OpenAction 6 0 R", (b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",)),
        "file_unsafe",
    ),
    "pdf_launch_action": (
        "licence.pdf",
        pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        "file_unsafe",
    ),
    "pdf_embedded_file": (
        "licence.pdf",
        pdf_with(b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>", (b"<< /Type /Filespec /F (a.exe) >>",)),
        "file_unsafe",
    ),
    "pdf_header_only": ("licence.pdf", b"%PDF-1.7\n" + b"garbage " * 40, "file_unreadable"),
    "jpeg_then_html": ("shop.jpg", jpeg_bytes() + b"<html><body onload=alert(1)>hi</body></html>", "file_unsafe"),
    "png_50000_square": ("shop.png", png_declaring(50_000, 50_000), "image_too_large"),
    "png_truncated": ("shop.png", png_bytes()[:40], "file_unreadable"),
}


@pytest.fixture
def application_id(client_for, merchant_user):
    return client_for(merchant_user).post(URL, PROFILE, format="json").json()["id"]


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_upload_is_refused_and_nothing_is_stored(attack, client_for, merchant_user, application_id, settings):
    name, content, code = ATTACKS[attack]
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name=name, content=content, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert "file" in body, body
    if code:
        assert body["code"] == code or code in str(body), body
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_upload_is_refused_and_nothing_is_stored(client_for, merchant_user, application_id, settings):
    big = pdf_bytes() + b"\0" * (10 * 1024 * 1024)
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name="big.pdf", content=big, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not Document.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("../../../etc/cron.d/evil.pdf", pdf_bytes(), ".pdf"),
        ("licence.html", png_bytes(), ".png"),
        ("photo.php", jpeg_bytes(), ".jpg"),
        ("C:\\Windows\\system32\\licence.exe", pdf_bytes(), ".pdf"),
        ("no-extension", png_bytes(), ".png"),
    ],
)
def test_an_accepted_upload_is_stored_under_its_detected_type_not_its_name(
    name, content, suffix, client_for, merchant_user, application_id, settings
):
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name=name, content=content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get()
    stored = document.file.name
    assert stored.startswith("private/merchants/documents/") and stored.endswith(suffix)
    assert ".." not in stored and "\\" not in stored
    assert "/" not in document.original_name and "\\" not in document.original_name
    [path] = stored_files(settings)
    assert path.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())


def test_a_scanner_pdf_that_opens_on_its_first_page_is_accepted(client_for, merchant_user, application_id):
    """A plain /OpenAction destination (open at page 1) is no script: many scanners write it."""
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name="scan.pdf", content=pdf_with(b"/OpenAction [3 0 R /Fit]"))},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_the_refusal_is_in_the_users_language(client_for, merchant_user, application_id):
    name, content, _code = ATTACKS["pdf_open_action_script"]
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name=name, content=content)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "脚本" in str(response.json()["file"])


def mpo_jpeg() -> bytes:
    """A phone's multi-picture JPEG (Ultra HDR, portrait depth map): Pillow reads it as MPO."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    first, second = Image.new("RGB", (4, 4), (10, 20, 30)), Image.new("RGB", (4, 4), (30, 20, 10))
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("phone.jpg", mpo_jpeg()),
        ("scan.pdf", pdf_with(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
        # Binary data that happens to hold "<svg" or "<html" without a tag after it.
        ("scan.pdf", pdf_bytes() + b"\n%<svgq<htmlx<bodyz\n"),
    ],
)
def test_what_cameras_and_scanners_write_is_accepted(name, content, client_for, merchant_user, application_id):
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name=name, content=content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "content",
    [
        # The action's type behind an indirect reference.
        pdf_with(b"/OpenAction << /S 6 0 R /F (cmd.exe) >>", (b"/Launch",)),
        # A remote document opened on load.
        pdf_with(b"/OpenAction << /S /GoToR /F (http://example.com/x.pdf) /D [0 /Fit] >>"),
    ],
)
def test_actions_behind_references_or_to_remote_files_are_refused(content, client_for, merchant_user, application_id):
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name="x.pdf", content=content)},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_unsafe", response.json()


def pdf_linking_to(target: bytes) -> bytes:
    """A PDF whose outline entry is a link (a /URI action) to ``target``."""
    return pdf_with(
        b"/Outlines << /Type /Outlines /Count 1 /First << /Title (x) /A << /S /URI /URI (" + target + b") >> >> >>"
    )


@pytest.mark.parametrize(
    ("target", "accepted"),
    [
        (b"https://www.gsxt.gov.cn/", True),
        (b"HTTP://example.com/licence", True),
        (b"mailto:office@example.com", True),
        (b"file:///C:/Windows/System32/calc.exe", False),
        (b"smb://198.51.100.7/share/x", False),
        (b"\\\\198.51.100.7\\share", False),
        (b"javascript-free:thing", False),
        (b"", False),
    ],
)
def test_a_link_is_accepted_only_to_the_web_or_mail(target, accepted, client_for, merchant_user, application_id):
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name="x.pdf", content=pdf_linking_to(target))},
        format="multipart",
    )
    if accepted:
        assert response.status_code == 201, response.json()
    else:
        assert (response.status_code, response.json()["code"]) == (400, "file_unsafe"), response.json()
        assert "file" in response.json() and not Document.objects.exists()


@pytest.mark.parametrize("raised", [NotImplementedError("filter"), AssertionError(), ZeroDivisionError()])
def test_whatever_pypdf_raises_is_a_400_not_a_500(raised, client_for, merchant_user, application_id, monkeypatch):
    """pypdf raises kinds outside its own error class (an unknown stream filter is a
    NotImplementedError, JBIG2 a DependencyError): each is an unreadable file."""

    def broken(*args, **kwargs):
        raise raised

    monkeypatch.setattr("pypdf.PdfReader", broken)
    response = client_for(merchant_user).post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(name="x.pdf", content=pdf_bytes())},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (400, "file_unreadable")
