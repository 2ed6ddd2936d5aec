"""The automatic system check run after submission (SPEC.md §1.2)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workplace.exceptions import InvalidTransition
from workplace.notifications import notify

from .. import checks
from ..models import (
    Application,
    ApplicationStatus,
    CheckRun,
    Document,
    Finding,
)
from ..selectors import onboarding_rules
from .deadlines import deadline_fields
from .workflow import _format_moment, _notify_merchant, application_transition, review_assignees, review_url

logger = logging.getLogger(__name__)

# --- the system check --------------------------------------------------------------


def document_facts(document: Document, *, read_file: bool = True) -> checks.DocumentFacts:
    """What the check needs from a document; with ``read_file`` the type and size come
    from the stored bytes rather than what the upload recorded."""
    content_type, size = document.content_type, document.size
    if read_file:
        try:
            with document.file.open("rb") as handle:
                content_type = checks.detect_content_type(handle.read(261))
            size = document.file.size
        except (OSError, ValueError):
            content_type, size = None, -1
    return checks.DocumentFacts(
        id=document.pk, kind=document.kind, valid_until=document.valid_until, size=size, content_type=content_type
    )


def application_checks(
    application: Application, *, documents: list[checks.DocumentFacts], today: dt.date
) -> list[checks.Finding]:
    """Every rule of the system check over the application's data and ``documents``,
    with the onboarding rule set in force ``today``."""
    rules = onboarding_rules(today)
    return checks.run_checks(
        entity_type=application.entity_type,
        uscc=application.uscc,
        legal_rep_name=application.legal_rep_name,
        legal_rep_id_number=application.legal_rep_id_number,
        address=application.address,
        district=application.district,
        documents=documents,
        today=today,
        expiry_warning_days=rules.expiry_warning_days,
        max_file_size=rules.max_document_bytes,
    )


def application_run_system_check(*, application_id: int, today: dt.date | None = None) -> CheckRun | None:
    """Run the system check on a submitted application; None when there is nothing to
    do (already checked, withdrawn, gone).

    The claim (submitted → auto_check), the findings and the outcome are one
    transaction: a crash leaves the application submitted, so a re-run picks it up, and
    a concurrent run waits for the row and then finds it claimed.
    """
    with transaction.atomic():
        application = Application.objects.select_related("merchant").filter(pk=application_id).first()
        if application is None or application.status != ApplicationStatus.SUBMITTED:
            return None
        try:
            application_transition(application=application, to_status=ApplicationStatus.AUTO_CHECK)
        except InvalidTransition:
            return None
        now = timezone.now()
        today = today or timezone.localdate(now)
        missing_file = []
        facts = []
        for document in application.documents.all():
            fact = document_facts(document)
            if fact.size < 0:
                missing_file.append(checks.Finding("file_missing", True, {"kind": document.kind}, document.pk))
            else:
                facts.append(fact)
        found = missing_file + application_checks(application, documents=facts, today=today)
        blocking = any(finding.blocking for finding in found)
        run = CheckRun.objects.create(application=application, ran_at=now, blocking=blocking)
        Finding.objects.bulk_create(
            Finding(run=run, code=f.code, blocking=f.blocking, params=f.params, document_id=f.document_id)
            for f in found
        )
        if blocking:
            application_transition(
                application=application,
                to_status=ApplicationStatus.NEEDS_CHANGES,
                # Stored untranslated, shown in the reader's language; the findings hold the details.
                reason=gettext_noop("The system check found blocking problems."),
                fields=deadline_fields(ApplicationStatus.NEEDS_CHANGES, now),
            )
            _notify_merchant(
                application,
                kind="application_needs_changes",
                title=lambda: _("Your application needs changes"),
                body=lambda: (
                    _("The system check found problems; please fix them and resubmit by %(due)s.")
                    % {"due": _format_moment(application.resubmit_due)}
                ),
            )
        else:
            application_transition(
                application=application,
                to_status=ApplicationStatus.IN_REVIEW,
                fields={"review_started_at": now, **deadline_fields(ApplicationStatus.IN_REVIEW, now)},
            )
            for recipient in review_assignees(application):
                notify(
                    recipient,
                    kind="application_in_review",
                    title=lambda: _("Application to review: %(name)s") % {"name": application.company_name},
                    body=lambda: _("Decide by %(due)s.") % {"due": _format_moment(application.review_due)},
                    url=review_url(application),
                )
        return run


def stalled_system_checks_run(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Run the system check for submitted applications whose queued check never ran (a
    lost task or a broker outage). Safe alongside the normal task: the run claims first."""
    cutoff = timezone.now() - older_than
    ran = 0
    for application_id in Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)[:200]:
        ran += application_run_system_check(application_id=application_id) is not None
    return ran
