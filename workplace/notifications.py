"""Notifications: in-app rows, e-mailed by a background job (SPEC.md §1.5, §3, §4).

A notification is written in its recipient's language (``language_of``), whoever or
whatever caused it: a job runs in the default language, a head deciding in Chinese may
notify a recruiter who reads English. So the product's own wording is passed to
``notify`` as a callable, rendered under the recipient's language and stored as read;
text a person typed (a reason, a comment) is passed as a plain string and kept as typed.
The page, the API and the e-mail then show the same words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from .models import Notification

logger = logging.getLogger(__name__)

# The product's wording as a callable (rendered in the recipient's language), or typed text.
Text = str | Callable[[], str]


def language_of(user) -> str:
    """The language ``user`` chose in the language menu, else the default (Chinese). Read
    through ``user.preference``: a recipient fetched with it costs no query."""
    try:
        language = user.preference.language
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def notify(recipient, *, kind: str, title: Text, body: Text = "", url: str = "", dedupe_key: str | None = None):
    """Create a notification for ``recipient`` and queue its e-mail after commit.

    ``title`` and ``body`` are callables returning the product's wording, called under
    the recipient's language (``lambda: _("Contract signed: %(name)s") % {...}``), or
    plain strings stored as they are (what a person typed). With a ``dedupe_key`` the
    same event never notifies twice, however often a reminder job runs. Returns the
    notification, or None when it had already been sent.
    """
    if recipient is None:
        return None
    if any(callable(text) or isinstance(text, Promise) for text in (title, body)):
        with translation.override(language_of(recipient)):
            title, body = _rendered(title), _rendered(body)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_email, enqueue_on_commit

    enqueue_on_commit(deliver_email, notification.pk)
    return notification


def _rendered(text: Text) -> str:
    # A lazy translation (gettext_lazy) is rendered here too, in the recipient's language.
    return text() if callable(text) else str(text)


def deliver_notification_email(notification_id: int) -> bool:
    """Send one notification's e-mail exactly once: the row is claimed by a conditional
    update, so two workers never both send it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address:
        return True
    try:
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{notification.url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:  # mail server down: release the claim so the sweep retries it
        logger.exception("e-mail for notification %s failed", notification_id)
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        return False
    return True


def mark_read(user, notification_ids=None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())


@dataclass(frozen=True)
class Notice:
    """One notification a batch job would send. ``recipient`` is a user or a user's id
    (those of the notices still to send are fetched together); ``dedupe_key`` makes it
    once-only, however often the job runs."""

    recipient: object
    kind: str
    title: str
    body: str
    url: str
    dedupe_key: str


def notify_once_each(notices) -> list[Notice]:
    """The deduplicated notification batch of the reminder and escalation jobs: send each
    of ``notices`` whose key was never sent — each key once, even when listed twice. The
    keys already sent are looked up in one query (and the recipients given by id in one
    more), so a run with nothing new to say costs the same whatever the number of
    notices. Returns the notices sent."""
    notices = list(notices)
    if not notices:
        return []
    sent_before = set(
        Notification.objects.filter(dedupe_key__in={notice.dedupe_key for notice in notices}).values_list(
            "dedupe_key", flat=True
        )
    )
    due = []
    for notice in notices:
        if notice.dedupe_key not in sent_before:
            sent_before.add(notice.dedupe_key)
            due.append(notice)
    by_id = {notice.recipient for notice in due if isinstance(notice.recipient, int)}
    users = get_user_model().objects.in_bulk(by_id) if by_id else {}
    sent = []
    for notice in due:
        recipient = users.get(notice.recipient) if isinstance(notice.recipient, int) else notice.recipient
        if notify(
            recipient,
            kind=notice.kind,
            title=notice.title,
            body=notice.body,
            url=notice.url,
            dedupe_key=notice.dedupe_key,
        ):
            sent.append(notice)
    return sent
