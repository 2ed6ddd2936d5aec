"""The audit trail made tamper-evident: a keyed hash chain over django-auditlog's entries.

``seal_entries()`` (every few minutes, by beat, and before each check) gives each new entry
a seal whose digest is HMAC-SHA256(key, previous digest ‖ the entry's content).
``verify_chain()`` recomputes the chain and names the first entry where it breaks: an entry
changed after it was sealed, a sealed entry or seal removed, a seal forged or reordered.
The key is held outside the database (``AUDIT_CHAIN_KEYS`` in the settings, the first one
signs; older ones still verify), so a person who can write to the database can alter the
trail but cannot hide it.

Sealing in a periodic job rather than in each audited write keeps the writes free of a
single hot row; what was written since the last seal is sealed before any check runs.
Concurrent sealers are serialised by a PostgreSQL advisory lock (a no-op elsewhere).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import AuditSeal

logger = logging.getLogger(__name__)
GENESIS = "0" * 64
BATCH = 2000
LATE_ENTRY_WINDOW = dt.timedelta(days=1)
# Beat seals every 5 minutes; an outage of the workers may hold sealing back this long.
SEALING_SLACK = dt.timedelta(days=2)
_LOCK_ID = 0x5A48_4155  # "ZHAU"


def _keys() -> list[bytes]:
    keys = [key.encode() for key in getattr(settings, "AUDIT_CHAIN_KEYS", ()) if key]
    return keys or [hashlib.sha256(("audit-chain:" + settings.SECRET_KEY).encode()).hexdigest().encode()]


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def canonical(entry: LogEntry, actor_id) -> bytes:
    """The sealed content of an entry: everything it records, in a fixed form."""
    return json.dumps(
        [
            entry.pk,
            entry.content_type_id,
            entry.object_pk,
            entry.object_repr,
            entry.action,
            entry.changes,
            entry.changes_text,
            entry.serialized_data,
            entry.additional_data,
            actor_id,
            entry.actor_email,
            entry.remote_addr,
            entry.remote_port,
            str(entry.cid or ""),
            entry.timestamp.isoformat(),
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode()


def link_digest(key: bytes, previous: str, entry: LogEntry, actor_id, sealed_at: dt.datetime) -> str:
    """The seal's digest: the previous digest, the entry and when it was sealed (so a
    re-sealed old entry cannot pass for one sealed on time)."""
    payload = previous.encode() + b"\n" + canonical(entry, actor_id) + b"\n" + sealed_at.isoformat().encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def seal_entries() -> int:
    """Seal every entry not yet sealed, in id order, each after the last seal; the number sealed.

    The chain runs in the order of sealing (the seals' ids), not of the entries': an entry
    whose transaction committed after a later one was already sealed is sealed next time,
    at the chain's end. What is searched: every entry after the last sealed one, and the
    unsealed ones written up to a day before it (no transaction runs for a day), so a run
    stays cheap on a long trail. The head is logged after each run: the logs, kept outside
    the database, anchor it."""
    key = _keys()[0]
    signer = key_id(key)
    sealed = 0
    while True:
        with transaction.atomic():
            _lock()
            last = AuditSeal.objects.order_by("-pk").values_list("pk", "digest", "entry_id", "entry__timestamp").first()
            if last is None:
                previous, pending = GENESIS, LogEntry.objects.all()
            else:
                _seal_id, previous, last_entry, last_time = last
                pending = LogEntry.objects.filter(
                    Q(pk__gt=last_entry) | Q(timestamp__gte=last_time - LATE_ENTRY_WINDOW, seal__isnull=True)
                ).filter(seal__isnull=True)
            entries = list(pending.order_by("pk")[:BATCH])
            if not entries:
                if sealed and last is not None:
                    head = AuditSeal.objects.order_by("-pk").values_list("pk", "digest").first()
                    logger.info("audit chain head: seal %s, digest %s", *head)
                return sealed
            now = timezone.now()
            seals = []
            for entry in entries:
                previous = link_digest(key, previous, entry, entry.actor_id, now)
                seals.append(
                    AuditSeal(entry=entry, digest=previous, key_id=signer, actor_id=entry.actor_id, sealed_at=now)
                )
            AuditSeal.objects.bulk_create(seals)
            sealed += len(seals)


@dataclass
class ChainReport:
    checked: int = 0
    unsealed: int = 0
    broken_at: int | None = None
    problem: str = ""
    actors_removed: list[int] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(*, seal_first: bool = False) -> ChainReport:
    """Recompute the whole chain in sealing order; the first break (the entry's id and what
    is wrong), if any. ``problem``: ``digest_mismatch`` (the entry, or a seal, was changed, or
    one before it was removed), ``entry_missing`` (a sealed entry was deleted),
    ``unknown_key`` (signed by a key not configured), ``actor_changed``, ``sealed_late``
    (sealed more than the late-entry window after it was written: its first seal was
    removed and it was sealed again). It does not seal first unless asked: a check must
    not seal over what it is checking (the beat job seals)."""
    if seal_first:
        seal_entries()
    keys = {key_id(key): key for key in _keys()}
    report = ChainReport()
    previous = GENESIS
    seals = AuditSeal.objects.order_by("pk").values_list("pk", "entry_id", "digest", "key_id", "actor_id", "sealed_at")
    last_seal = 0
    while True:
        batch = list(seals.filter(pk__gt=last_seal)[:BATCH])
        if not batch:
            break
        entries = LogEntry.objects.in_bulk([row[1] for row in batch])
        for seal_id, entry_id, digest, signer, actor_id, sealed_at in batch:
            last_seal = seal_id
            entry = entries.get(entry_id)
            key = keys.get(signer)
            if entry is None:
                return _broken(report, entry_id, "entry_missing")
            if key is None:
                return _broken(report, entry_id, "unknown_key")
            if not hmac.compare_digest(link_digest(key, previous, entry, actor_id, sealed_at), digest):
                return _broken(report, entry_id, "digest_mismatch")
            if sealed_at - entry.timestamp > LATE_ENTRY_WINDOW + SEALING_SLACK:
                # Sealed long after it was written: its first seal was removed and the
                # sealer sealed it again (or it was slipped in with an old date).
                return _broken(report, entry_id, "sealed_late")
            if entry.actor_id != actor_id:
                if entry.actor_id is not None:
                    return _broken(report, entry_id, "actor_changed")
                report.actors_removed.append(entry_id)
            previous = digest
            report.checked += 1
    report.unsealed = LogEntry.objects.filter(seal__isnull=True).count()
    return report


def _broken(report: ChainReport, entry_id: int, problem: str) -> ChainReport:
    report.broken_at = entry_id
    report.problem = problem
    return report
