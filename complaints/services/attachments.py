"""Files attached to a complaint: photos and receipts at intake, evidence for the panel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.services.uploads import inspect_upload
from workplace.exceptions import InvalidTransition, NotPermitted
from workplace.file_inspection import clean_original_name

from ..models import CLOSED_STATUSES, Attachment, AttachmentSide, Complaint, EventAction
from .workflow import is_complaint_merchant, is_customer_service, is_responsible, lock, record_event

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}


def attachments_check(files, *, field: str = "attachments") -> None:
    """Refuse a batch of files (intake: photos, receipts) before any is stored, so a bad
    second file leaves no first file behind on disk (a rollback does not undo storage);
    the refusal names ``field``."""
    for upload in files:
        inspect_upload(upload, allowed=ALLOWED_ATTACHMENT_TYPES, max_size=MAX_ATTACHMENT_SIZE, field=field)


@transaction.atomic
def attachment_add(
    *, complaint: Complaint, by, file, evidence: bool = False, now: dt.datetime | None = None
) -> Attachment:
    """Attach a file (PDF, JPEG or PNG by content, at most 10 MB). The merchant, customer
    service and the responsible head may; ``evidence`` files go to the open arbitration,
    marked with the side that gave them."""
    now = now or timezone.now()
    complaint = lock(complaint)
    merchant_side = is_complaint_merchant(by, complaint)
    if not (merchant_side or is_customer_service(by) or is_responsible(by, complaint)):
        raise NotPermitted(_("Only the merchant, customer service or the responsible head may attach files."))
    if complaint.status in CLOSED_STATUSES:
        raise InvalidTransition(_("The complaint is closed; no more files can be attached."))
    arbitration = None
    if evidence:
        arbitration = complaint.arbitrations.filter(level=complaint.dispute_level, decided_at__isnull=True).first()
        if arbitration is None:
            raise InvalidTransition(_("There is no open arbitration to give evidence to."), code="no_arbitration")
    content_type, size, digest = inspect_upload(
        file, allowed=ALLOWED_ATTACHMENT_TYPES, max_size=MAX_ATTACHMENT_SIZE, field="file"
    )
    name = clean_original_name(getattr(file, "name", ""))
    attachment = Attachment(
        complaint=complaint,
        arbitration=arbitration,
        side=AttachmentSide.MERCHANT if merchant_side else AttachmentSide.PLATFORM,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=digest,
        uploaded_by=by,
        uploaded_at=now,
    )
    attachment.file.save(name or "attachment", file, save=False)
    # The rollback does not undo storage: remove the file if the transaction fails.
    stored = attachment.file.name
    try:
        attachment.save()
        record_event(complaint, EventAction.ATTACHMENT_ADDED, by=by, note=name, at=now)
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment
