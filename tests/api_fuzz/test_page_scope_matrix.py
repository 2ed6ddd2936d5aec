"""The role × page × object matrix (issue 13): every page on one record (a URL with one
``pk``), opened by every role over the fuzz world's records, either shows the record or
answers exactly as a record that does not exist — the same status and the same place to
go — so a page never reveals whether an id exists outside the reader's scope."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .test_scope_matrix import ROLES as API_ROLES

pytestmark = pytest.mark.django_db

# The same readers as the API's matrix.
ROLES = API_ROLES
# Which records a page names, by the start of its path.
PREFIX_KINDS = (
    ("portal/application/", "applications"),
    ("portal/review/", "applications"),
    ("commissions/queue/", "rate_requests"),
    ("complaints/", "complaints"),
    ("compensation/runs/", "payroll_runs"),
    ("settlement/statements/", "settlements"),
    ("settlement/back-office/deposits/", "deposits"),
    ("alliance/activities/", "activities"),
    ("alliance/merchants/", "merchants"),
)
MISSING = 10**9


def _pages():
    pages = []

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(("api/", "admin/")) or route.count("<") != 1 or "<int:pk>" not in route:
                    continue
                kind = next((kind for start, kind in PREFIX_KINDS if route.startswith(start)), None)
                if kind:
                    pages.append((route, kind))

    walk(get_resolver())
    return sorted(pages)


PAGES = _pages()


def _answer(response):
    return response.status_code, response.get("Location", "").split("?")[0]


def _get(client, path):
    with transaction.atomic():
        try:
            return client.get(path)
        finally:
            transaction.set_rollback(True)


def test_the_matrix_covers_the_record_pages():
    assert len(PAGES) >= 15, PAGES


@pytest.mark.parametrize("role", ROLES)
def test_a_page_on_an_out_of_scope_record_answers_as_on_a_missing_one(role, fuzz_world, db, wsgi_isolation):
    client = Client()
    if role != "anonymous":
        user = fuzz_world["users"].get(role)
        if user is None:
            pytest.skip(f"the fuzz world has no {role}")
        client.force_login(user)
    leaks = []
    for route, kind in PAGES:
        missing = _answer(_get(client, "/" + route.replace("<int:pk>", str(MISSING))))
        assert 300 <= missing[0] < 500, f"/{route} for a missing record answered {missing[0]}"
        for record_id in fuzz_world["ids"][kind]:
            response = _get(client, "/" + route.replace("<int:pk>", str(record_id)))
            assert response.status_code < 500, f"/{route} id={record_id}: {response.status_code}"
            answer = _answer(response)
            # Shown: the page itself, or a redirect onward within the same record.
            shown = answer[0] in (200, 204) or (300 <= answer[0] < 400 and f"/{record_id}/" in answer[1])
            if not shown and answer != missing:
                leaks.append(f"/{route} id={record_id}: {answer} where a missing record gets {missing}")
    assert leaks == []
