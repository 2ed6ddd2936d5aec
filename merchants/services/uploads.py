"""Uploaded files: inspecting them (type from the bytes, size, hash), certificates, cleanup on failure."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from workplace import file_inspection
from workplace.exceptions import ApplicationError

from .. import checks
from ..models import (
    Application,
    Document,
    DocumentKind,
    SiteVisitMedia,
)
from ..selectors import onboarding_rules
from .workflow import lock_and_check

logger = logging.getLogger(__name__)

ALLOWED_MEDIA_TYPES = {
    "image/jpeg": SiteVisitMedia.Kind.PHOTO,
    "image/png": SiteVisitMedia.Kind.PHOTO,
    "image/heic": SiteVisitMedia.Kind.PHOTO,
    "image/webp": SiteVisitMedia.Kind.PHOTO,
    "video/mp4": SiteVisitMedia.Kind.VIDEO,
    "video/quicktime": SiteVisitMedia.Kind.VIDEO,
    "video/webm": SiteVisitMedia.Kind.VIDEO,
    "video/3gpp": SiteVisitMedia.Kind.VIDEO,
}


def inspect_upload(file, *, allowed: dict, max_size: int, field: str = "file") -> tuple[str, int, str]:
    """Content type (from the bytes, never the name), size and SHA-256 of an upload;
    refuses types not in ``allowed``, files over ``max_size`` and content that is not
    plainly of its type (workplace.file_inspection: polyglots, PDF scripts, image bombs),
    each a 400 naming ``field``."""
    if file is None:
        raise ApplicationError(_("Please choose a file."), field=field, code="required")
    size = file.size if getattr(file, "size", None) is not None else 0
    if size > max_size:
        raise ApplicationError(
            _("The file is larger than %(size)s MB.") % {"size": max_size // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    if size == 0:
        raise ApplicationError(_("The file is empty."), field=field, code="empty")
    file.seek(0)
    content_type = checks.detect_content_type(file.read(261))
    if content_type not in allowed:
        raise ApplicationError(
            _("This file type is not accepted; upload %(types)s.")
            % {"types": ", ".join(sorted(set(_type_names(allowed))))},
            field=field,
            code="file_type_invalid",
        )
    file_inspection.check_content(file, content_type, field=field)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return content_type, size, digest.hexdigest()


def _type_names(allowed: dict):
    for mime in allowed:
        yield checks.ALLOWED_DOCUMENT_TYPES.get(mime) or mime.split("/")[-1].upper()


@transaction.atomic
def document_add(
    *, application: Application, user, kind: str, file, number: str = "", valid_until: dt.date | None = None
) -> Document:
    """The merchant uploads a certificate (PDF, JPEG or PNG by content; at most the rule set's
    ``max_document_mb``)."""
    lock_and_check(application=application, user=user, action="upload")
    if kind not in DocumentKind.values:
        raise ApplicationError(_("Choose a valid document kind."), field="kind", code="invalid_choice")
    number = (number or "").strip()
    if len(number) > 50:
        raise ApplicationError(_("At most %(count)d characters.") % {"count": 50}, field="number", code="max_length")
    content_type, size, sha256 = inspect_upload(
        file, allowed=checks.ALLOWED_DOCUMENT_TYPES, max_size=onboarding_rules().max_document_bytes
    )
    document = Document(
        application=application,
        kind=kind,
        number=number,
        valid_until=valid_until,
        original_name=file_inspection.clean_original_name(getattr(file, "name", "")),
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=user,
    )
    with files_removed_on_failure() as written:
        document.file.save(getattr(file, "name", "") or "upload", file, save=False)
        written.append(document.file)
        document.save()
    return document


@transaction.atomic
def document_delete(*, document: Document, user) -> None:
    """The merchant removes a document it uploaded, while it may still edit."""
    application = document.application
    lock_and_check(application=application, user=user, action="upload")
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    if stored:
        transaction.on_commit(lambda: _delete_quietly(storage, stored))


def _delete_quietly(storage, name: str) -> None:
    """Remove a stored file once its row is gone. The deletion is committed already: a
    storage that fails now (a full disk, object storage unreachable) leaves an orphan file
    to log, never an error for the user whose change was saved."""
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - any storage backend's failure
        logger.warning("could not remove %s after its record was deleted; it is an orphan now", name, exc_info=True)


@contextmanager
def files_removed_on_failure():
    """Yield a list of stored files (``FieldFile``); if the block raises they are deleted
    again: rolling the database back does not undo what was written to storage."""
    written: list = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                logger.warning("could not remove %s after a failed write", field_file.name)
        raise
