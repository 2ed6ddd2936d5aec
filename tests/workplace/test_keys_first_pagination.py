"""workplace.pagination.KeysFirstPaginator: past the first pages, a page's keys are found
in a subquery of the table alone and only those rows joined - the same rows in the same
order as Django's paginator, scoped as the list, in as many queries."""

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from merchants.models import Merchant
from tests.factories.merchants import MerchantFactory
from workplace import pagination
from workplace.pagination import KeysFirstPaginator

pytestmark = pytest.mark.django_db

URL = "/api/v1/merchants/"


@pytest.fixture
def deep_from(monkeypatch):
    monkeypatch.setattr(pagination, "KEYS_FIRST_FROM", 4)


@pytest.fixture
def merchants(recruiter, second_recruiter, department):
    """17 merchants, a third of them the second recruiter's; creation times with ties
    (the list's order, newest first then by id, is still total)."""
    base = timezone.now() - dt.timedelta(days=1)
    rows = [
        MerchantFactory(recruiter=recruiter if n % 3 else second_recruiter, department=department) for n in range(17)
    ]
    for n, merchant in enumerate(rows):
        Merchant.objects.filter(pk=merchant.pk).update(created_at=base + dt.timedelta(minutes=n // 3))
    return rows


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_every_page_has_the_rows_of_djangos_paginator(deep_from, merchants):
    queryset = Merchant.objects.select_related("recruiter", "department").order_by("-created_at", "-id")
    for per_page, orphans in ((3, 0), (4, 2), (5, 1)):
        plain = Paginator(queryset, per_page, orphans=orphans)
        keys_first = KeysFirstPaginator(queryset, per_page, orphans=orphans)
        assert keys_first.num_pages == plain.num_pages
        for number in plain.page_range:
            assert [m.pk for m in keys_first.page(number)] == [m.pk for m in plain.page(number)]


def test_the_api_pages_through_the_scope_in_order(deep_from, merchants, client_for, general_manager, recruiter):
    for user in (general_manager, recruiter):
        client = client_for(user)
        seen, page = [], 1
        while True:
            response = client.get(URL, {"page": page, "page_size": 2})
            seen += ids(response)
            if not response.json()["next"]:
                break
            page += 1
        expected = (
            Merchant.objects.filter(**({} if user is general_manager else {"recruiter": user}))
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
        )
        assert seen == list(expected)


def test_a_deep_page_takes_the_queries_of_the_first_and_joins_only_its_rows(
    deep_from, merchants, client_for, general_manager
):
    client = client_for(general_manager)
    client.get(URL)  # the token and the rules read once
    with CaptureQueriesContext(connection) as first:
        ids(client.get(URL, {"page": 1, "page_size": 3}))
    with CaptureQueriesContext(connection) as deep:
        assert len(ids(client.get(URL, {"page": 5, "page_size": 3}))) == 3
    assert len(deep) == len(first)
    page_sql = next(q["sql"] for q in deep.captured_queries if "OFFSET" in q["sql"])
    inner = page_sql[page_sql.index("IN (SELECT") :]
    assert "JOIN" not in inner.split("OFFSET")[0] and "LIMIT 3 OFFSET 12" in inner


def test_below_the_threshold_and_for_a_distinct_query_it_is_djangos(deep_from, merchants):
    queryset = Merchant.objects.order_by("-created_at", "-id")
    with CaptureQueriesContext(connection) as shallow:
        list(KeysFirstPaginator(queryset, 3).page(2))
    assert "IN (SELECT" not in shallow.captured_queries[-1]["sql"]
    with CaptureQueriesContext(connection) as distinct:
        page = KeysFirstPaginator(queryset.distinct(), 3).page(5)
        list(page)
    assert "IN (SELECT" not in distinct.captured_queries[-1]["sql"]
    assert [m.pk for m in page] == [m.pk for m in Paginator(queryset, 3).page(5)]
