"""What an accepted upload really is: its structure parsed, not only its first bytes.

The magic bytes (``filetype``) say what a file claims to be. A PDF/HTML polyglot, a PDF
that runs a script when opened, a JPEG header followed by a web page and a PNG that
declares 50 000 × 50 000 pixels all claim rightly and are still not what a certificate or
a shop photo should be. ``check_content`` refuses them:

- **Markup anywhere** — an HTML, SVG or script tag anywhere in the bytes (a browser that
  sniffs the file, or one served it with the wrong type, runs it). Real PDFs and images
  carry their text compressed or encoded; a certificate has no ``<script`` in its bytes.
- **PDF** — parsed with pypdf (well kept, pure Python, with its own limits on
  decompression); it must parse, hold at most ``MAX_PDF_PAGES`` pages, and reach no
  active content: JavaScript, launch/submit/import actions, additional actions (``/AA``),
  embedded files, XFA forms, rich media, and links anywhere but the web and mail (a
  ``file:`` link opens a local program, an ``smb:`` one hands the reader's Windows
  credentials to the share's host). A plain ``/OpenAction`` that only opens a page is
  allowed (many scanners write one); an ``/OpenAction`` that is an action is not.
- **Images** — parsed with Pillow: the declared size must stay within ``MAX_PIXELS``
  (checked from the header, before any pixel is decoded — a decompression bomb is refused
  without being inflated) and the file must verify.

Types without a parser here (video, HEIC) get the markup scan only; their size limit is
the caller's. The stored name's extension comes from the detected type
(``extension_for``), never from the client's file name.
"""

from __future__ import annotations

import io
import logging
import re
import warnings

from django.utils.translation import gettext as _

from .exceptions import ApplicationError

logger = logging.getLogger(__name__)

MAX_PIXELS = 80_000_000  # 80 megapixels: above any phone camera, below Pillow's own bomb warning
MAX_SIDE = 20_000
MAX_PDF_PAGES = 500
MAX_PDF_OBJECTS = 50_000

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/3gpp": ".3gp",
}

# Markup a browser would act on, as a whole tag opening: the name followed by a space or
# ">" (an SVG by its namespace), so that compressed image, PDF or video data does not
# match by chance (a bare "<svg" turns up in about 1 of 50 random 10 MB files; these
# patterns about once in 10^6). Case-insensitive.
_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|object|embed)[\s>/]"
    rb"|<svg\s[^>]{0,300}xmlns"
    rb"|<!doctype\s+html"
    rb"|<meta\s+http-equiv"
    rb"|javascript\s*:",
    re.IGNORECASE,
)
_CHUNK = 1024 * 1024
_OVERLAP = 64

# PDF names that mean active content, as keys of any dictionary.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
# Action types (/S) that run or fetch something.
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
    "/Rendition",
}
# Where a link (a /URI action) may point: the web and mail. A file:, smb: or other
# scheme opens a local program or file share when clicked (an smb: link hands the
# reader's Windows credentials to the share's host).
_PDF_LINK_SCHEMES = ("http://", "https://", "mailto:")
# What Pillow calls an accepted type's format: phones write JPEGs with a multi-picture
# extension (MPO: Ultra HDR, portrait depth maps) that are JPEGs to every viewer.
_IMAGE_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}, "image/webp": {"WEBP"}}


def extension_for(content_type: str | None) -> str:
    """The stored file's extension for a detected type ("" when unknown)."""
    return EXTENSIONS.get(content_type or "", "")


def _refuse(message: str, *, field: str, code: str = "file_unsafe"):
    raise ApplicationError(message, field=field, code=code)


def check_content(file, content_type: str, *, field: str = "file") -> None:
    """Refuse (400 naming ``field``) an upload whose content is not plainly of
    ``content_type``; leaves ``file`` at position 0."""
    try:
        _scan_markup(file, field=field)
        if content_type == "application/pdf":
            _check_pdf(file, field=field)
        elif content_type in ("image/jpeg", "image/png", "image/webp"):
            _check_image(file, content_type, field=field)
    finally:
        file.seek(0)


def _scan_markup(file, *, field: str) -> None:
    file.seek(0)
    tail = b""
    while True:
        chunk = file.read(_CHUNK)
        if not chunk:
            return
        if _MARKUP.search(tail + chunk):
            _refuse(_("The file contains web page or script content and is not accepted."), field=field)
        tail = chunk[-_OVERLAP:]


def _check_pdf(file, *, field: str) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    unreadable = _("The PDF could not be read; upload an undamaged PDF.")
    file.seek(0)
    data = file.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                _refuse(_("Encrypted PDFs are not accepted; upload the PDF without a password."), field=field)
            pages = len(reader.pages)
            if pages == 0:
                _refuse(unreadable, field=field, code="file_unreadable")
            if pages > MAX_PDF_PAGES:
                _refuse(_("The PDF has more than %(count)d pages.") % {"count": MAX_PDF_PAGES}, field=field)
            seen: set = set()
            stack = [reader.trailer]
            while stack:
                node = stack.pop()
                if isinstance(node, IndirectObject):
                    key = (node.idnum, node.generation)
                    if key in seen:
                        continue
                    seen.add(key)
                    if len(seen) > MAX_PDF_OBJECTS:
                        _refuse(unreadable, field=field, code="file_unreadable")
                    node = node.get_object()
                if isinstance(node, DictionaryObject):
                    action = node.get("/S")
                    action = action.get_object() if action is not None else None
                    if _PDF_ACTIVE_KEYS.intersection(node.keys()) or action in _PDF_ACTIVE_ACTIONS:
                        _refuse(_("The PDF contains scripts or embedded content and is not accepted."), field=field)
                    if action == "/URI" and not _web_link(node.get("/URI")):
                        _refuse(_("The PDF links to a local file or program and is not accepted."), field=field)
                    opening = node.get("/OpenAction")
                    opening = opening.get_object() if opening is not None else None
                    # An opening destination, or a GoTo action to one, is what scanners write.
                    if isinstance(opening, DictionaryObject):
                        kind = opening.get("/S")
                        if (kind.get_object() if kind is not None else None) != "/GoTo":
                            _refuse(_("The PDF contains scripts or embedded content and is not accepted."), field=field)
                    stack.extend(value for name, value in node.items() if name != "/Parent")
                elif isinstance(node, ArrayObject):
                    stack.extend(node)
    except ApplicationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds (NotImplementedError, DependencyError, zlib.error …)
        logger.info("an uploaded PDF did not parse", exc_info=True)
        _refuse(unreadable, field=field, code="file_unreadable")


def _web_link(target) -> bool:
    """Whether a /URI action's target is a web or mail address (pypdf gives a text or
    byte string, behind a reference or not)."""
    target = target.get_object() if target is not None else None
    if isinstance(target, bytes):
        target = target.decode("latin-1")
    if not isinstance(target, str):
        return False
    return target.strip().lower().startswith(_PDF_LINK_SCHEMES)


def _check_image(file, content_type: str, *, field: str) -> None:
    from PIL import Image, UnidentifiedImageError

    unreadable = _("The image could not be read; upload an undamaged JPEG or PNG.")
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    _refuse(
                        _("The image is too large (%(width)d × %(height)d pixels); at most %(pixels)d megapixels.")
                        % {"width": width, "height": height, "pixels": MAX_PIXELS // 1_000_000},
                        field=field,
                        code="image_too_large",
                    )
                if image.format not in _IMAGE_FORMATS.get(content_type, ()):
                    _refuse(unreadable, field=field, code="file_unreadable")
                image.verify()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        if isinstance(error, UnidentifiedImageError):
            _refuse(unreadable, field=field, code="file_unreadable")
        _refuse(
            _("The image is too large; at most %(pixels)d megapixels.") % {"pixels": MAX_PIXELS // 1_000_000},
            field=field,
            code="image_too_large",
        )
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a broken image
        logger.info("an uploaded image did not parse", exc_info=True)
        _refuse(unreadable, field=field, code="file_unreadable")


def clean_original_name(name: str | None, *, limit: int = 255) -> str:
    """The client's file name as shown to people: its last path part only (no
    directories, no traversal), control characters removed."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:limit]
