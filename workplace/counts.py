"""A list's exact count, remembered until a table it reads is written.

Every page of a list answers ``count`` (API.md's list shape), and Django's paginator
asks for it before the page: ``SELECT COUNT(*)`` over the caller's scope. At 100 000
merchants that is an index-only scan of 6–18 ms — most of the merchant list's database
time — repeated identically for every page, every caller of the same scope and every
refresh, although the rows it counts change a few times a minute at most.

``count_of(queryset)`` answers the same number from the shared cache while no table the
query reads has been written since it was counted (``remember(key, tables, build)`` is
the same rule for any answer that is a function of some tables' rows: the approval
queue's page, workplace.api.light.RememberedRowsMixin):

- **Which tables** — the ``FROM`` and ``JOIN`` tables of the query's own SQL (its
  subqueries' too; the joins that only fetch related rows for display are left out, they
  do not change a count). A query reading anything that is not a model's table (a view,
  a table of another program), or the clock (``NOW()``, ``CURRENT_DATE`` …: a count that
  changes with time and no write), is counted every time.
- **Writes** — every statement Django sends is seen by a database execute wrapper
  (Django's hook for all SQL a connection runs, installed on each connection):
  ``INSERT``, ``UPDATE``, ``DELETE`` — from a save, a queryset's ``update()`` or
  ``delete()``, a bulk create, a migration or raw SQL through Django's cursor — renew the
  written table's generation in the shared cache after commit; ``TRUNCATE`` or anything
  else that changes data without naming one table renews every table's. A ``COPY``
  (psycopg's, not a statement Django sees) is reported by its caller with
  ``table_written``.
- **No stale count** — a count is stored with the generations read before it was taken
  and answered only while they are all still current. A writer renews after its commit,
  so a count taken before the commit is stored under generations that are already
  replaced; nobody is answered with it. Inside a transaction that wrote one of the
  tables (not yet committed, so not yet renewed) the query is counted, never answered
  from or stored in the cache: the transaction sees its own rows.
- **Outages** — when the cache is down the count is taken every time (slower, never
  stale); after a cache error the process leaves the cache alone for ``PAUSE`` seconds,
  so a hung Redis costs one timeout, not one per write. A renewal lost to an outage, and
  a write by another program, are caught by the entry's lifetime, ``MAX_AGE``.
- **Only a shared cache** — counts are remembered only when every process reads the
  same cache (Redis): with a per-process one (LocMem, the embedded default without
  ``REDIS_URL``) a worker's write would not reach the web process's counts. The
  ``COUNTS_REMEMBERED`` setting overrides (the tests' single process sets it).
- Under READ COMMITTED (the project's isolation level) a count taken inside a
  transaction that did not write its tables sees what is committed, like one outside.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

MAX_AGE = 60  # seconds a count is kept: the bound for writes no wrapper sees
PAUSE = 5.0  # seconds the cache is left alone after an error
EVERY_TABLE = "*"
_paused_until = [0.0]

# Quoted or not (raw SQL in an ``extra()`` or ``RawSQL`` names tables bare): whatever follows
# FROM or JOIN must be a model's table, or the query is counted every time.
_READ_TABLES = re.compile(r'(?:\bFROM|\bJOIN)\s+(?:"([^"]+)"|([A-Za-z_][\w$]*))', re.IGNORECASE)
_CLOCK = re.compile(
    r"\b(?:NOW|CLOCK_TIMESTAMP|STATEMENT_TIMESTAMP|TRANSACTION_TIMESTAMP|TIMEOFDAY|RANDOM)\s*\("
    r"|\b(?:CURRENT_DATE|CURRENT_TIME|CURRENT_TIMESTAMP|LOCALTIME|LOCALTIMESTAMP)\b"
    r"|\bdjango_(?:datetime|date|time)_\w+\(",  # SQLite's functions for the same
    re.IGNORECASE,
)
# A statement that changes no table's rows: nothing to renew.
_READS_ONLY = (
    "SELECT",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SET",
    "SHOW",
    "EXPLAIN",
    "PRAGMA",
    "LOCK",
    "VALUES",
)
_WRITTEN_TABLE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


@lru_cache(maxsize=1)
def _model_tables() -> frozenset[str]:
    """The tables of the installed models (their many-to-many tables too) that Django
    manages: the tables whose writes the wrapper sees."""
    return frozenset(
        model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed
    )


@lru_cache(maxsize=1)
def remembered() -> bool:
    """Whether counts are remembered: the setting, else whether the cache is shared."""
    chosen = getattr(settings, "COUNTS_REMEMBERED", None)
    if chosen is not None:
        return bool(chosen)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "").lower()
    return not any(local in backend for local in ("locmem", "dummy", "filebased"))


def _database(alias: str) -> str:
    """The database a key belongs to: two environments may share one Redis."""
    options = connections[alias].settings_dict
    return f"{options.get('HOST') or ''}:{options.get('PORT') or ''}/{options['NAME']}"


def _generation_key(alias: str, table: str) -> str:
    return f"zs:count-generation:{_database(alias)}:{table}"


def _entry_key(alias: str, key_parts) -> str:
    digest = hashlib.sha256(repr((_database(alias), key_parts)).encode()).hexdigest()
    return f"zs:count:{digest}"


def _cache_usable() -> bool:
    return time.monotonic() >= _paused_until[0]


def _cache_failed() -> None:
    _paused_until[0] = time.monotonic() + PAUSE


def read_tables(sql: str) -> frozenset[str] | None:
    """The tables a count's SQL reads, or None when it must be counted every time (it
    reads the clock, or a table no model manages)."""
    if _CLOCK.search(sql):
        return None
    tables = frozenset(quoted or bare for quoted, bare in _READ_TABLES.findall(sql))
    if not tables or not tables <= _model_tables():
        return None
    return tables


def _counted_sql(queryset) -> tuple[str, tuple] | None:
    """The SQL that decides the count (no display joins, no order), or None when the
    query has none (an empty ``.none()``, a query that cannot compile without a count)."""
    try:
        counted = queryset.select_related(None).order_by() if not queryset.query.distinct_fields else queryset
        return counted.query.sql_with_params()
    except Exception:  # noqa: BLE001 - EmptyResultSet, FullResultSet …: Django counts these itself
        return None


def count_of(queryset) -> int:
    """``queryset.count()``, from the shared cache while it is current (see the module)."""
    if not remembered() or not _cache_usable():
        return queryset.count()
    compiled = _counted_sql(queryset)
    tables = read_tables(compiled[0]) if compiled else None
    if tables is None:
        return queryset.count()
    return remember(("count", *compiled), tables, queryset.count, using=queryset.db)


def remember(key_parts, tables, build, *, using: str = "default"):
    """``build()``'s answer, from the shared cache while none of ``tables`` has been
    written since it was built (the count's rule, see the module): for an answer that is
    a function of those tables' rows and of ``key_parts`` alone (which must name
    everything else it depends on: the SQL and its parameters, the caller's context).
    ``build()`` itself in a transaction that wrote one of the tables, with a per-process
    cache, or when the cache is down."""
    tables = frozenset(tables)
    if not remembered() or not _cache_usable() or _written_in_this_transaction(using, tables):
        return build()
    generation_keys = [_generation_key(using, table) for table in sorted(tables | {EVERY_TABLE})]
    entry_key = _entry_key(using, key_parts)
    try:
        found = cache.get_many([entry_key, *generation_keys])
        missing = [key for key in generation_keys if key not in found]
        for key in missing:
            cache.add(key, uuid.uuid4().hex, None)
        if missing:
            found.update(cache.get_many(missing))
    except Exception:  # noqa: BLE001 - the cache is down: build it
        _cache_failed()
        return build()
    generations = tuple(found.get(key) for key in generation_keys)
    entry = found.get(entry_key)
    if None not in generations and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generations:
        return entry[1]
    answer = build()
    if None not in generations:
        try:
            cache.set(entry_key, (generations, answer), MAX_AGE)
        except Exception:  # noqa: BLE001
            _cache_failed()
            logger.info("count cache unavailable; the answer is not kept")
    return answer


# --- Writes -------------------------------------------------------------------------


class _Renewal:
    """The on-commit renewal of the tables one transaction (at one savepoint level) wrote."""

    __slots__ = ("alias", "tables")

    def __init__(self, alias: str):
        self.alias = alias
        self.tables: set[str] = set()

    def __call__(self) -> None:
        _renew(self.alias, self.tables)


def _renew(alias: str, tables) -> None:
    if not _cache_usable():
        logger.info("count cache paused; counts of %s may be kept up to %d s", sorted(tables), MAX_AGE)
        return
    try:
        cache.set_many({_generation_key(alias, table): uuid.uuid4().hex for table in tables}, None)
    except Exception:  # noqa: BLE001 - the cache is down: the entries' lifetime bounds them
        _cache_failed()
        logger.warning("count cache unavailable; counts of %s may be kept up to %d s", sorted(tables), MAX_AGE)


def _pending(connection):
    """The renewals waiting for this connection's commit (Django's own on-commit list:
    cleared at a rollback, trimmed at a savepoint's rollback)."""
    return [func for _sids, func, *_rest in connection.run_on_commit if isinstance(func, _Renewal)]


def _written_in_this_transaction(alias: str, tables) -> bool:
    connection = connections[alias]
    if not connection.in_atomic_block:
        return False
    read = tables | {EVERY_TABLE}  # a TRUNCATE or a raw statement wrote who knows what
    return any(renewal.tables & read for renewal in _pending(connection))


def table_written(table: str, *, using: str = "default") -> None:
    """Renew ``table``'s counts (at commit, or now outside a transaction): for a write
    Django does not send as a statement (``COPY``)."""
    if not remembered():
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        _renew(using, {table})
        return
    sids = set(connection.savepoint_ids)
    for entry_sids, func, *_rest in connection.run_on_commit:
        if isinstance(func, _Renewal) and entry_sids == sids:
            func.tables.add(table)
            return
    renewal = _Renewal(using)
    renewal.tables.add(table)
    connection.on_commit(renewal)


def _written_table(sql: str) -> str | None:
    """The table a statement writes; EVERY_TABLE for a change that names none (TRUNCATE,
    DDL, a CTE, several statements in one string); None for a statement that writes
    nothing."""
    if ";" in sql.strip().rstrip(";"):
        return EVERY_TABLE
    head = sql.lstrip()[:10].upper()
    if head.startswith(_READS_ONLY):
        return None
    match = _WRITTEN_TABLE.match(sql)
    return match.group(1) if match else EVERY_TABLE


class CountRenewer:
    """The execute wrapper (one a connection): the statement first, then its renewal."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        table = _written_table(sql) if isinstance(sql, str) else EVERY_TABLE
        # A connection to no database (the test runner's, creating one) has no counts.
        if table is not None and self.alias in connections.settings:
            try:
                table_written(table, using=self.alias)
            except Exception:  # noqa: BLE001 - the statement is done; its renewal must not undo it
                logger.exception("counts of %s not renewed", table)
        return result


def install(connection, **kwargs) -> None:
    """Put the wrapper on ``connection`` once (``connection_created`` calls it at every
    (re)connection)."""
    if not any(isinstance(wrapper, CountRenewer) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, CountRenewer(connection.alias))


def clear() -> None:
    """Forget this process's pause and setting (tests)."""
    _paused_until[0] = 0.0
    remembered.cache_clear()


def register() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(install, dispatch_uid="workplace.counts:install")
    for connection in connections.all(initialized_only=True):
        install(connection)
