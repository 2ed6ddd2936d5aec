"""Each figure and the list of records behind it come from one builder: the list's count
is the figure, for each role's scope (ANCHORS.md §3, figure-to-records)."""

import datetime as dt

import pytest
import time_machine

from commissions.models import RequestStatus
from complaints.models import ComplaintStatus
from dashboards.selectors import FIGURES, Period, dashboard_summary, figure_records
from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import application, at, complaint, decided, merchant_of, rate_request

pytestmark = pytest.mark.django_db
OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def world_of(recruiter, cs, size):
    """``size`` of each kind of record behind a figure, owned by ``recruiter``."""
    for _ in range(size):
        decided(recruiter, A.APPROVED, "2026-10-12", submitted="2026-09-30")
        decided(recruiter, A.REJECTED, "2026-10-13")
        application(
            recruiter,
            (A.SUBMITTED, "2026-10-01"),
            (A.IN_REVIEW, "2026-10-02"),
            (A.APPROVED, "2026-10-05"),
            (A.CONTRACT_SENT, "2026-10-05"),
            (A.SIGNED, "2026-10-06"),
        )
        complaint(recruiter, cs=cs, received=at("2026-10-12"), reply_due=at("2026-10-15", 23))
        complaint(
            recruiter,
            cs=cs,
            received=at("2026-10-09"),
            first_response_at=at("2026-10-09", 12),
            status=ComplaintStatus.CLOSED,
            closed_at=at("2026-10-16"),
        )
        merchant_of(recruiter, status="active", signed_at=at("2026-05-01"))
        merchant_of(recruiter, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-10-08"))
        rate_request(recruiter, created=at("2026-10-19", 9))
        rate_request(recruiter, created=at("2026-10-12", 9), status=RequestStatus.APPROVED, closed=at("2026-10-12", 13))
        rate_request(recruiter, created=at("2026-10-12", 9), status=RequestStatus.REJECTED, closed=at("2026-10-13", 9))


def figure_values(summary) -> dict[str, int]:
    """The figures that are counts, by the slug of their records."""
    funnel, complaints, churn, requests = (
        summary["funnel"],
        summary["complaints"],
        summary["churn"],
        summary["rate_requests"],
    )
    return {
        **{f"funnel-{stage}": count for stage, count in funnel.items()},
        "decided": funnel["approved"] + funnel["rejected"],
        "cycle-time": funnel["approved"],
        "complaints-open": complaints["open"],
        "complaints-overdue": complaints["overdue"],
        "complaints-closed": complaints["closed"],
        "complaints-answerable": complaints["answerable"],
        "merchants-active": churn["active"],
        "merchants-terminated": churn["terminated"],
        "rate-requests-pending": requests["pending"],
        "rate-requests-approved": requests["approved"],
        "rate-requests-rejected": requests["rejected"],
    }


@pytest.mark.parametrize("reader", ["recruiter", "recruitment_head", "outside_head", "general_manager"])
def test_each_list_counts_what_its_figure_says(request, recruiter, outside_recruiter, customer_service, reader):
    world_of(recruiter, customer_service, 2)
    world_of(outside_recruiter, customer_service, 1)
    user = request.getfixturevalue(reader)

    values = figure_values(dashboard_summary(user=user, period=OCTOBER))

    assert set(values) == set(FIGURES)
    for figure in FIGURES:
        assert figure_records(user, OCTOBER, figure).count() == values[figure], figure
    expected = {"recruiter": 2, "recruitment_head": 2, "outside_head": 1, "general_manager": 3}[reader]
    assert values["funnel-signed"] == expected
    assert values["complaints-overdue"] == expected
    assert values["merchants-terminated"] == expected
    assert values["rate-requests-pending"] == expected


def test_a_recruiter_counts_only_their_own_in_every_figure(recruiter, second_recruiter, customer_service):
    world_of(second_recruiter, customer_service, 2)

    values = figure_values(dashboard_summary(user=recruiter, period=OCTOBER))

    assert set(values.values()) == {0}
