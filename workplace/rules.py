"""One way to read dated rule parameters (SPEC.md: rule parameters live in the database
with effective dates; a change is a new row from a later date, never an edit).

``in_force(Model, on=day, **filters)`` answers the row whose ``effective_from`` is the
latest on or before ``day`` among the rows matching ``filters``. When none is in force
it raises ``RuleNotInForce`` — one behaviour for every rule table: the data migrations
enter SPEC.md's defaults, and the admin never deletes a set in force, so this only
happens for a day before the first set, and then loudly rather than with a guess.

Rule tables are small and a set in force is read-only, so each process keeps a model's
rows in memory. A save or delete of the model (or of a child row registered with it)
bumps a generation number in the shared cache after commit; reads compare the
generation, so a new rule set is seen at once by every process. Within one request the
generations of every rule table are read from the cache once, at the first rule read (a
request sees one consistent set of rules; its own changes are seen at once). Every bump
also renews one **epoch** key after the table's own: a request first reads the epoch
alone, and only when it differs from the one this process last saw reads every
table's generation (in one round trip, the epoch with them) — so a request whose rules
did not change costs one small read, not one of each table. Outside a request (jobs,
shell) every read compares. When the cache is down
the rows are read from the database each time (slower, never stale). With a per-process
cache (the embedded default) another process's change is seen within ``MAX_AGE``.

Other small tables read on every request are served the same way with
``register_table(model, load)`` and ``cached(model)`` (the working-day calendar's
overrides and published years, workplace.calendar).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import ApplicationError

logger = logging.getLogger(__name__)

MAX_AGE = 30.0  # seconds a process trusts its rows without a shared generation


class RuleNotInForce(ApplicationError):
    """No row of a rule table is in force on the day asked (409)."""

    status_code = 409
    default_code = "rule_not_in_force"


@dataclass
class _Entry:
    generation: str | None
    loaded_at: float
    rows: object  # what the table's loader answered


@dataclass(frozen=True)
class _Registration:
    model: type
    load: Callable[[], object]


_registry: dict[str, _Registration] = {}
_memory: dict[str, _Entry] = {}
_lock = threading.Lock()
_local = threading.local()


def _label(model) -> str:
    return model._meta.label_lower


def _generation_key(label: str) -> str:
    return f"rules:generation:{label}"


EPOCH_KEY = "rules:epoch"  # renewed by every bump, after the table's own generation

# The epoch this process last read and every table's generation read with it.
_seen = {"epoch": None, "generations": {}}


def register_dated_rule(model, *, children=(), prefetch=(), select=()) -> None:
    """Serve ``model`` from the cache; a change of it or of a ``children`` model (rows
    that belong to a set, like the bands of a band set) invalidates it."""

    def load() -> list:
        queryset = model._default_manager.order_by("-effective_from", "-pk")
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        return list(queryset)

    register_table(model, load, children=children)


def register_table(model, load: Callable[[], object], *, children=()) -> None:
    """Serve what ``load()`` reads of ``model`` (a small table without effective dates,
    like the calendar's overrides) from the cache, invalidated like a dated rule table:
    ``cached(model)`` answers it. ``load`` must return a value nobody mutates."""
    label = _label(model)
    _registry[label] = _Registration(model, load)
    for watched in (model, *children):
        uid = f"workplace.rules:{label}:{_label(watched)}"
        post_save.connect(_on_change(label), sender=watched, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change(label), sender=watched, weak=False, dispatch_uid=uid + ":delete")


def _on_change(label: str):
    def handler(**kwargs):
        invalidate(label)

    return handler


def invalidate(model_or_label) -> None:
    """Forget the cached rows now and, after commit, in every process."""
    label = model_or_label if isinstance(model_or_label, str) else _label(model_or_label)
    with _lock:
        _memory.pop(label, None)
    _dirty().add(label)

    def bump():
        _dirty().discard(label)
        with _lock:
            _memory.pop(label, None)
        generation = uuid.uuid4().hex
        try:
            # The table's generation first, then the epoch: a reader that sees the new
            # epoch reads the new generation with it.
            cache.set(_generation_key(label), generation, None)
            cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
        except Exception:  # cache down: readers then go to the database every time
            logger.warning("rules cache unavailable; %s invalidated in this process only", label)
            _remember(label, (False, None))
        else:
            _remember(label, (True, generation))

    transaction.on_commit(bump)


def _shared_generations(labels) -> dict[str, tuple[bool, str | None]]:
    """{label: (cache reachable, generation)} and the epoch, in one round trip (two when
    one is missing: it is created); the answer is remembered as the epoch's."""
    keys = {_generation_key(label): label for label in labels}
    try:
        # One MGET: the epoch and the generations as one snapshot.
        found = cache.get_many([EPOCH_KEY, *keys])
        missing = [key for key in (EPOCH_KEY, *keys) if found.get(key) is None]
        for key in missing:
            cache.add(key, uuid.uuid4().hex, None)
        if missing:
            found.update(cache.get_many(missing))
    except Exception:
        return {label: (False, None) for label in labels}
    answer = {label: (True, found.get(key)) for key, label in keys.items()}
    with _lock:
        if _seen["epoch"] != found.get(EPOCH_KEY):
            _seen["epoch"], _seen["generations"] = found.get(EPOCH_KEY), {}
        _seen["generations"].update({label: generation for label, (_ok, generation) in answer.items()})
    return answer


def _generations_of_the_epoch() -> dict[str, tuple[bool, str | None]] | None:
    """Every registered table's generation when the shared epoch is the one this process
    last read with all of them (one small read); None when it is not (or unknown)."""
    with _lock:
        epoch, known = _seen["epoch"], dict(_seen["generations"])
    if epoch is None or not set(_registry) <= set(known):
        return None
    try:
        current = cache.get(EPOCH_KEY)
    except Exception:
        return {label: (False, None) for label in _registry}
    if current != epoch:
        return None
    return {label: (True, generation) for label, generation in known.items()}


def _request_memo() -> dict | None:
    """The generations already read in this request, or None outside a request."""
    return getattr(_local, "generations", None)


def _remember(label: str, answer: tuple[bool, str | None]) -> None:
    memo = _request_memo()
    if memo is not None:
        memo[label] = answer


def _shared_generation(label: str) -> tuple[bool, str | None]:
    """(cache reachable, generation) of ``label``: in a request, the generations of every
    registered table are read at its first rule read and kept for the request."""
    memo = _request_memo()
    if memo is None:
        return _shared_generations([label])[label]
    if label not in memo:
        unread = {label, *(other for other in _registry if other not in memo)}
        answer = _generations_of_the_epoch() if not memo else None
        if answer is None or not unread <= set(answer):
            answer = _shared_generations(sorted(unread))
        memo.update({name: answer[name] for name in unread})
    return memo[label]


def _request_begins(**kwargs) -> None:
    _local.generations = {}


def _request_ends(**kwargs) -> None:
    _local.generations = None


request_started.connect(_request_begins, dispatch_uid="workplace.rules:request_started")
request_finished.connect(_request_ends, dispatch_uid="workplace.rules:request_finished")


def rows(model) -> list:
    """Every row of a registered rule table, newest ``effective_from`` first."""
    return cached(model)


def cached(model):
    """What the loader of a registered table answers, from this process's memory while
    the shared generation says it is current; from the database otherwise."""
    label = _label(model)
    registration = _registry.get(label)
    if registration is None:
        raise LookupError(f"{label} is not registered with workplace.rules (register_dated_rule, register_table)")
    # Inside a transaction that wrote rule rows the cache may not know them yet.
    if _dirty_in_transaction(label):
        if transaction.get_connection().in_atomic_block:
            return registration.load()
        _dirty().discard(label)  # the transaction that wrote it rolled back
    reachable, generation = _shared_generation(label)
    now = time.monotonic()
    entry = _memory.get(label)
    if reachable and entry and entry.generation == generation and now - entry.loaded_at < MAX_AGE:
        return entry.rows
    loaded = registration.load()
    if reachable:
        with _lock:
            _memory[label] = _Entry(generation, now, loaded)
    return loaded


def _dirty_in_transaction(label: str) -> bool:
    """True when a rule row of ``label`` was written and its invalidation waits for the
    commit: until then this thread reads the database, so it sees its own new row."""
    return label in _dirty()


def _dirty() -> set:
    if not hasattr(_local, "dirty"):
        _local.dirty = set()
    return _local.dirty


def in_force(model, on: dt.date | None = None, **filters):
    """The row of ``model`` in force on ``on`` (today in Asia/Shanghai by default) among
    the rows whose attributes equal ``filters``; ``RuleNotInForce`` when there is none."""
    on = on or timezone.localdate()
    for row in rows(model):
        if row.effective_from <= on and all(getattr(row, name) == value for name, value in filters.items()):
            return row
    raise RuleNotInForce(
        _("No %(rule)s is in force on %(date)s; an administrator must enter one.")
        % {"rule": model._meta.verbose_name, "date": on.isoformat()},
        extra={"rule": _label(model), "date": on.isoformat()},
    )


def in_force_or_none(model, on: dt.date | None = None, **filters):
    """Like ``in_force``, for callers that report a missing rule themselves."""
    try:
        return in_force(model, on, **filters)
    except RuleNotInForce:
        return None


def clear() -> None:
    """Forget every cached table in this process (tests)."""
    with _lock:
        _memory.clear()
        _seen["epoch"], _seen["generations"] = None, {}
    _dirty().clear()
    _request_ends()
