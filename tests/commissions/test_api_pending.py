import pytest
import time_machine

from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/approvals/pending/"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_what_waits_on_the_caller_oldest_first(client_for, recruiter, recruitment_head):
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        older = make_request(recruiter, "8.00")
    with time_machine.travel("2026-11-03 09:00 +0800", tick=False):
        newer = make_request(recruiter, "7.50")
    assert ids(client_for(recruitment_head).get(URL)) == [older.pk, newer.pk]


def test_a_request_moves_to_the_next_level(client_for, recruiter, recruitment_head, ops_director, general_manager):
    rate_request = make_request(recruiter, "5.00")
    assert ids(client_for(ops_director).get(URL)) == []
    client_for(recruitment_head).post(f"/api/v1/rate-requests/{rate_request.pk}/approve/", {})
    assert ids(client_for(recruitment_head).get(URL)) == []
    assert ids(client_for(ops_director).get(URL)) == [rate_request.pk]
    assert ids(client_for(general_manager).get(URL)) == []


def test_lower_levels_are_listed_on_request_for_acting_in_place(client_for, recruiter, ops_director):
    rate_request = make_request(recruiter, "8.00")
    body = client_for(ops_director).get(URL, {"include_lower": "true"}).json()
    assert [(row["id"], row["acting_for"]) for row in body["results"]] == [(rate_request.pk, "recruitment_head")]


def test_it_never_shows_the_callers_own_request(client_for, recruitment_head, department):
    make_request(recruitment_head, "8.00", merchant=make_merchant(recruitment_head, department=department))
    assert ids(client_for(recruitment_head).get(URL)) == []


def test_heads_see_only_their_department(client_for, recruiter, outside_recruiter, recruitment_head, outside_head):
    mine = make_request(recruiter, "8.00")
    theirs = make_request(outside_recruiter, "8.00")
    assert ids(client_for(recruitment_head).get(URL)) == [mine.pk]
    assert ids(client_for(outside_head).get(URL)) == [theirs.pk]


@pytest.mark.parametrize("role", ["recruiter", "customer_service", "dept_head", "admin_user"])
def test_nothing_waits_on_non_approvers(request, client_for, recruiter, role):
    make_request(recruiter, "5.00")
    response = client_for(request.getfixturevalue(role)).get(URL)
    assert (response.status_code, ids(response)) == (200, [])


def test_merchants_are_refused(client_for, merchant_user):
    response = client_for(merchant_user).get(URL)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "results" not in response.json()


def test_query_count_is_constant(client_for, recruiter, recruitment_head, queries):
    client = client_for(recruitment_head)
    make_request(recruiter, "5.00")
    client.get(URL)  # warm the per-user role cache
    queries.assert_constant(lambda: client.get(URL), lambda: make_request(recruiter, "6.00"), expected=3)


def test_the_request_list_query_count_is_constant(client_for, recruiter, recruitment_head, queries):
    client = client_for(recruitment_head)
    first = make_request(recruiter, "5.00")
    client.post(f"/api/v1/rate-requests/{first.pk}/approve/", {"comment": "ok"})

    def grow():
        grown = make_request(recruiter, "5.00")
        client.post(f"/api/v1/rate-requests/{grown.pk}/approve/", {"comment": "ok"})

    client.get("/api/v1/rate-requests/")  # warm the per-user role cache
    queries.assert_constant(lambda: client.get("/api/v1/rate-requests/"), grow, expected=3)


def test_the_rows_are_drfs_for_each_caller_in_turn(client_for, recruiter, recruitment_head, ops_director):
    """The queue's rows come from one serializer instance per thread (workplace.api.light)
    and only the columns they show (selectors.queue_rows): the same rows as DRF's
    serializer over the fully loaded requests, for callers whose context differs (the
    director acts for the head's level, the head for none), one after the other."""
    from commissions import selectors
    from commissions.api.serializers import PendingApprovalSerializer

    first = make_request(recruiter, "8.00")
    client_for(recruitment_head).post(f"/api/v1/rate-requests/{first.pk}/approve/", {"comment": "同意"})
    make_request(recruiter, "7.00", merchant=make_merchant(recruiter))
    for user in (ops_director, recruitment_head, ops_director):
        rows = client_for(user).get(URL, {"include_lower": "true"}).json()["results"]
        loaded = selectors.with_details(selectors.pending_approvals_for(user, include_lower=True))
        context = {"held_roles": selectors.approver_roles_of(user)}
        assert rows == PendingApprovalSerializer(loaded, many=True, context=context).data
        acting = {row["acting_for"] for row in rows}
        assert acting == ({None} if user == recruitment_head else {"recruitment_head"}), (user, rows)


@pytest.mark.django_db(transaction=True)
def test_the_queue_page_is_remembered_until_a_table_it_reads_is_written(
    client_for, recruiter, recruitment_head, ops_director
):
    """The rows come from the cache while no request, step, merchant or user has been
    written since (workplace.api.light.RememberedRowsMixin); each caller its own rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_request(recruiter, "8.00")
    second = make_request(recruiter, "7.00", merchant=make_merchant(recruiter))
    head = client_for(recruitment_head)
    head.get(URL)
    with CaptureQueriesContext(connection) as context:
        again = head.get(URL).json()
    assert [row["id"] for row in again["results"]] == [first.pk, second.pk]
    assert not any("commissions_raterequest" in query["sql"] for query in context.captured_queries)
    # The test client's user is authenticated in memory (its role and department already
    # read): the remembered page then takes no query at all.
    assert context.captured_queries == []
    # Another caller with another context gets its own rows, not the head's.
    director = client_for(ops_director).get(URL, {"include_lower": "true"}).json()["results"]
    assert {row["acting_for"] for row in director} == {"recruitment_head"}
    assert {row["acting_for"] for row in head.get(URL).json()["results"]} == {None}
    # A decision writes the steps and the request: the next page is read again.
    head.post(f"/api/v1/rate-requests/{first.pk}/approve/", {"comment": "同意"})
    assert [row["id"] for row in head.get(URL).json()["results"]] == [second.pk]
    # A user's new name (a prefetch's table) is seen at once.
    recruiter.username = "renamed-recruiter"
    recruiter.save()
    assert {row["requested_by"] for row in head.get(URL).json()["results"]} == {"renamed-recruiter"}


@pytest.mark.django_db(transaction=True)
def test_an_empty_queue_and_a_bad_page_are_answered_as_before(client_for, recruitment_head):
    head = client_for(recruitment_head)
    assert head.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}
    response = head.get(URL, {"page": 9})
    assert response.status_code == 404


def test_a_deep_page_of_the_queue_is_its_rows_found_by_their_keys(client_for, recruiter, recruitment_head, monkeypatch):
    from workplace import pagination

    monkeypatch.setattr(pagination, "KEYS_FIRST_FROM", 1)
    made = [make_request(recruiter, "8.00", merchant=make_merchant(recruiter)) for _ in range(3)]
    head = client_for(recruitment_head)
    pages = [head.get(URL, {"page_size": 1, "page": number}).json() for number in (1, 2, 3)]
    assert [page["results"][0]["id"] for page in pages] == [request.pk for request in made]
    assert {page["count"] for page in pages} == {3}
