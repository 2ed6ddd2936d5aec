"""The queues and the service-level panel: their order and flags, and a query count that
stays the same however much data there is."""

import pytest
from django.test import Client

from complaints.models import Complaint, ComplaintStatus
from complaints.queues import service_level
from tests.factories.complaints import make_complaint

from .conftest import at

pytestmark = pytest.mark.django_db
S = ComplaintStatus


@pytest.fixture
def web():
    def sign_in(user):
        client = Client()
        client.force_login(user)
        client.get("/complaints/")  # the session and the language are settled before counting
        return client

    return sign_in


@pytest.fixture
def grow(customer_service, merchant_a, person):
    statuses = iter([S.RECEIVED, S.AWAITING_SOLUTION, S.IMPLEMENTING, S.FOLLOW_UP, S.AWAITING_OPINION, S.CLOSED] * 3)

    def add():
        make_complaint(next(statuses), cs=customer_service, merchant=merchant_a, person=person)

    return add


def test_the_queue_lists_by_step_overdue_first_with_the_fallback_flag(
    frozen, web, customer_service, merchant_a, person
):
    late = make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    frozen.move_to(at(2026, 10, 19, 9, 0))
    fresh = make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    waiting = make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    Complaint.objects.filter(pk=fresh.pk).update(reply_due_fallback=True)
    response = web(customer_service).get("/complaints/queue/")
    groups = response.context["groups"]
    assert [group["step"] for group in groups] == [1, 3]
    assert [c.pk for c in groups[0]["rows"]] == [late.pk, fresh.pk]
    assert groups[0]["rows"][0].is_overdue and not groups[0]["rows"][1].is_overdue
    assert [c.pk for c in groups[1]["rows"]] == [waiting.pk]
    page = response.content.decode()
    assert "overdue-row" in page and "fallback-flag" in page


def test_the_heads_queue_holds_what_waits_on_them(web, customer_service, merchant_a, person, dept_head):
    answer = make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    carry_out = make_complaint(S.IMPLEMENTING, cs=customer_service, merchant=merchant_a, person=person)
    make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    for user in (dept_head, person):
        rows = [c.pk for group in web(user).get("/complaints/answer/").context["groups"] for c in group["rows"]]
        assert rows == [answer.pk, carry_out.pk]


def test_the_merchants_list_holds_only_its_own(web, customer_service, merchant_a, merchant_b, merchant_user):
    mine = make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_b)
    assert [c.pk for c in web(merchant_user).get("/complaints/mine/").context["page"]] == [mine.pk]


@pytest.mark.parametrize(
    "role, url, expected",
    [
        ("customer_service", "/complaints/queue/", 6),
        ("dept_head", "/complaints/answer/", 7),
        ("customer_service", "/complaints/all/", 6),
        ("ops_director", "/complaints/all/", 6),
        ("merchant_user", "/complaints/mine/", 7),
        ("customer_service", "/complaints/service-level/", 7),
    ],
)
def test_the_lists_keep_their_query_count_as_data_grows(request, web, queries, grow, role, url, expected):
    grow()
    grow()  # every list holds at least one row before counting
    client = web(request.getfixturevalue(role))
    queries.assert_constant(lambda: client.get(url), grow, expected=expected)


def test_the_complaint_page_keeps_its_query_count_as_history_grows(web, queries, customer_service, merchant_a, person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints import services

    from .test_pages import PNG

    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    client = web(customer_service)

    def attach():
        services.attachment_add(
            complaint=complaint, by=customer_service, file=SimpleUploadedFile("a.png", PNG, content_type="image/png")
        )

    queries.assert_constant(lambda: client.get(f"/complaints/{complaint.pk}/"), attach, expected=14)


def test_the_panel_reports_the_service_level(frozen, customer_service, merchant_a, person):
    make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    frozen.move_to(at(2026, 10, 19, 10, 0))
    panel = service_level(user=customer_service)
    assert panel.open_total == 1 and panel.overdue == 1
    assert dict((status, count) for _step, status, _label, count in panel.open_by_step)["received"] == 1
    assert panel.closed == 1
    assert panel.average_working_days_to_close == 0
    assert panel.share_closed_within_target == 100.0
    # The closed one was answered at once; the open one is past 48 h without an answer.
    assert panel.share_first_response_within_48h == 50.0


def test_the_panel_counts_working_days_across_national_day(frozen, customer_service, merchant_a, person):
    frozen.move_to(at(2026, 9, 30, 10, 0))
    complaint = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person)
    # Closed on Monday 2026-10-12: after the holiday (10-01 to 10-07) 10-08, 10-09, the
    # adjusted Saturday 10-10 and 10-12 are working days; Sunday 10-11 is not.
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=at(2026, 10, 12, 15, 0))
    frozen.move_to(at(2026, 10, 13, 10, 0))
    panel = service_level(user=customer_service)
    assert panel.average_working_days_to_close == 4.0
    assert panel.share_closed_within_target == 100.0


def test_the_panel_sees_only_the_scope_of_its_reader(customer_service, merchant_a, merchant_b, person, dept_head):
    make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
    make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_b)
    assert service_level(user=customer_service).open_total == 2
    assert service_level(user=dept_head).open_total == 1
