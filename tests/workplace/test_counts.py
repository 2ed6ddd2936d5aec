"""workplace.counts: a list's count comes from the shared cache while no table it reads has
been written since — and every way of writing a table renews it (a save, a queryset's
update or delete, a bulk create, raw SQL, another connection's commit, a COPY reported by
its caller); a transaction's own writes are counted, never cached; the clock and unknown
tables are never cached; a cache outage counts every time."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from merchants.models import Merchant, MerchantStatus
from tests.factories.merchants import MerchantFactory
from workplace import counts
from workplace.pagination import KeysFirstPaginator

URL = "/api/v1/merchants/"


def counting_queries(context) -> int:
    return sum("COUNT(*)" in query["sql"] for query in context.captured_queries)


def count(queryset) -> tuple[int, int]:
    """(the count, how many COUNT queries it took)."""
    with CaptureQueriesContext(connection) as context:
        answer = counts.count_of(queryset)
    return answer, counting_queries(context)


# Their writes commit: the renewal runs at commit, as in production.
committing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three(recruiter, department):
    return [MerchantFactory(recruiter=recruiter, department=department) for _ in range(3)]


@committing
def test_a_count_is_taken_once_then_answered_until_its_table_is_written(three):
    scope = Merchant.objects.filter(status=MerchantStatus.PROSPECT)
    expected = scope.count()
    assert count(scope) == (expected, 1)
    assert count(scope) == (expected, 0)
    assert count(Merchant.objects.filter(status=MerchantStatus.PROSPECT).select_related("recruiter")) == (expected, 0)
    MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
    assert count(scope) == (Merchant.objects.filter(status=MerchantStatus.PROSPECT).count(), 1)


@committing
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda merchant: Merchant.objects.filter(pk=merchant.pk).update(status=MerchantStatus.TERMINATED),
            id="update",
        ),
        pytest.param(lambda merchant: Merchant.objects.filter(pk=merchant.pk).delete(), id="queryset-delete"),
        pytest.param(
            lambda merchant: Merchant.objects.bulk_create(
                [MerchantFactory.build(recruiter=merchant.recruiter, department=merchant.department)]
            ),
            id="bulk-create",
        ),
        pytest.param(
            lambda merchant: connection.cursor().execute(
                f'UPDATE "{Merchant._meta.db_table}" SET status = %s WHERE id = %s',
                [MerchantStatus.TERMINATED, merchant.pk],
            ),
            id="raw-sql",
        ),
    ],
)
def test_every_way_of_writing_the_table_renews_its_counts(write, three):
    scope = Merchant.objects.exclude(status=MerchantStatus.TERMINATED)
    before, _queries = count(scope)
    assert count(scope) == (before, 0)
    with transaction.atomic():
        write(three[0])
    assert scope.count() != before  # the write changed what is counted
    assert count(scope) == (scope.count(), 1)


@committing
def test_another_connections_commit_renews_the_count(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)

    def elsewhere():
        try:
            MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert count(scope) == (4, 1)


@committing
def test_a_transactions_own_writes_are_counted_and_never_kept(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
        assert count(scope) == (4, 1)
        assert count(scope) == (4, 1)  # not kept
        raise RuntimeError("rolled back")
    assert count(scope) == (3, 0)  # what was kept before is still the truth


@committing
def test_a_write_in_a_savepoint_rolled_back_still_leaves_the_later_write_renewed(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)
    with transaction.atomic():
        try:
            with transaction.atomic():
                MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
                raise RuntimeError
        except RuntimeError:
            pass
        MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
    assert count(scope) == (4, 1)


@committing
def test_a_copy_reported_by_its_caller_renews(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)
    counts.table_written(Merchant._meta.db_table)
    assert count(scope) == (3, 1)


@committing
def test_the_clock_and_tables_no_model_manages_are_counted_every_time(three):
    by_clock = Merchant.objects.filter(created_at__lte=Now())
    assert count(by_clock) == (3, 1)
    assert count(by_clock) == (3, 1)
    assert counts.read_tables('SELECT COUNT(*) FROM "pg_class"') is None
    assert counts.read_tables('SELECT 1 FROM "merchants_merchant" WHERE created_at < CURRENT_DATE') is None
    assert counts.read_tables('SELECT 1 FROM "merchants_merchant" WHERE id IN (SELECT x FROM some_view)') is None
    assert counts.read_tables("SELECT 1 FROM merchants_merchant WHERE TRIM(BOTH ' ' FROM name) = ''") is None
    assert counts.read_tables('SELECT 1 FROM "merchants_merchant" INNER JOIN "auth_user" ON (1=1)') == {
        "merchants_merchant",
        "auth_user",
    }


@committing
def test_when_the_cache_is_down_it_counts_every_time(three, monkeypatch):
    scope = Merchant.objects.all()

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    assert count(scope) == (3, 1)
    MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)  # its renewal fails, quietly
    assert count(scope) == (4, 1)


@committing
def test_a_lost_generation_is_a_new_one(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)
    cache.clear()
    assert count(scope) == (3, 1)
    assert count(scope) == (3, 0)


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "merchants_merchant" ("name") VALUES (%s)', "merchants_merchant"),
        ('  update "auth_user" SET "last_login" = %s', "auth_user"),
        ('DELETE FROM "workplace_department" WHERE id = 1', "workplace_department"),
        ('INSERT OR IGNORE INTO "x" VALUES (1)', "x"),
        ('TRUNCATE "merchants_merchant", "auth_user" CASCADE', counts.EVERY_TABLE),
        ("WITH moved AS (UPDATE x SET a = 1 RETURNING id) SELECT * FROM moved", counts.EVERY_TABLE),
        ('ALTER TABLE "merchants_merchant" ADD COLUMN "x" int', counts.EVERY_TABLE),
        ('SELECT "id" FROM "merchants_merchant" FOR UPDATE', None),
        ('SAVEPOINT "s1"', None),
        ("SET TIME ZONE 'UTC'", None),
        ('SET LOCAL enable_nestloop = off; UPDATE "settlement_statement" SET a = 1', counts.EVERY_TABLE),
        ('SELECT 1; DELETE FROM "auth_user"', counts.EVERY_TABLE),
        ('UPDATE "auth_user" SET "is_active" = false;', "auth_user"),
    ],
)
def test_which_table_a_statement_writes(sql, table):
    assert counts._written_table(sql) == table


@committing
def test_the_list_answers_from_the_kept_count_in_one_query_fewer(three, client_for, general_manager):
    client = client_for(general_manager)
    first = client.get(URL)
    with CaptureQueriesContext(connection) as context:
        second = client.get(URL)
    assert first.json()["count"] == second.json()["count"] == 3
    assert counting_queries(context) == 0
    assert [row["id"] for row in second.json()["results"]] == [row["id"] for row in first.json()["results"]]
    MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
    assert client.get(URL).json()["count"] == 4


def test_the_paginator_counts_a_list_that_is_no_queryset():
    assert KeysFirstPaginator([1, 2, 3], 2).count == 3


@committing
def test_a_raw_write_naming_no_table_in_this_transaction_is_counted_not_cached(three):
    scope = Merchant.objects.all()
    assert count(scope) == (3, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        connection.cursor().execute("WITH gone AS (DELETE FROM merchants_merchant RETURNING id) SELECT 1")
        assert count(scope) == (0, 1)
        raise RuntimeError("rolled back")
    assert count(scope) == (3, 0)


@committing
def test_after_a_cache_error_the_cache_is_left_alone_for_a_while(three, monkeypatch):
    scope = Merchant.objects.all()
    calls = []

    def down(*args, **kwargs):
        calls.append(1)
        raise ConnectionError("redis hangs")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    assert count(scope) == (3, 1)
    assert count(scope) == (3, 1)
    MerchantFactory(recruiter=three[0].recruiter, department=three[0].department)
    assert len(calls) == 1  # one timeout, not one per call or write
    monkeypatch.setattr(counts, "PAUSE", 0.0)
    counts.clear()
    assert count(scope) == (4, 1)
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("backend", "chosen", "answer"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", None, False),
        ("django.core.cache.backends.dummy.DummyCache", None, False),
        ("workplace.cache.RedisCache", None, True),
        ("django.core.cache.backends.locmem.LocMemCache", True, True),
        ("workplace.cache.RedisCache", False, False),
    ],
)
def test_counts_are_remembered_only_in_a_cache_every_process_shares(backend, chosen, answer, settings):
    """A per-process cache (the embedded default) would not see a worker's writes."""
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.COUNTS_REMEMBERED = chosen
    counts.clear()
    assert counts.remembered() is answer
    counts.clear()
