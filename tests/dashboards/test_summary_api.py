import datetime as dt

import pytest
import time_machine

from commissions.models import RequestStatus
from complaints.models import ComplaintStatus
from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import application, at, complaint, decided, merchant_of, rate_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboards/summary/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def summary(client_for, user, params=OCTOBER):
    response = client_for(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_counts_the_funnel_and_a_pass_rate_of_exactly_60_percent(client_for, recruiter, general_manager):
    for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
        decided(recruiter, A.APPROVED, day)
    for day in ("2026-10-15", "2026-10-16"):
        decided(recruiter, A.REJECTED, day)
    application(recruiter, (A.SUBMITTED, "2026-10-19"))
    # Decided in September: not October's.
    decided(recruiter, A.REJECTED, "2026-09-28")

    body = summary(client_for, general_manager)

    assert body["funnel"] == {"submitted": 6, "in_review": 5, "approved": 3, "rejected": 2, "signed": 0}
    assert body["pass_rate"] == "60.00"


def test_it_has_no_pass_rate_without_decisions(client_for, general_manager):
    body = summary(client_for, general_manager)

    assert body["pass_rate"] is None
    assert body["cycle_time_working_days"] is None
    assert body["churn"] is None


def test_it_counts_a_cycle_time_across_national_day_in_working_days(client_for, recruiter, general_manager):
    # SPEC.md §7's example: from 30 Sep, the 3rd working day is Sat 10 Oct (the holiday runs
    # to 8 Oct, the Saturday after it is an adjusted working day).
    decided(recruiter, A.APPROVED, "2026-10-10", submitted="2026-09-30")

    assert summary(client_for, general_manager)["cycle_time_working_days"] == "3.00"


def test_it_averages_the_cycle_time_over_the_approvals(client_for, recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-10", submitted="2026-09-30")
    # Mon 12 → Wed 14 Oct: 2 working days.
    decided(recruiter, A.APPROVED, "2026-10-14", submitted="2026-10-12")

    assert summary(client_for, general_manager)["cycle_time_working_days"] == "2.50"


def test_it_counts_the_cycle_time_from_the_first_submission(client_for, recruiter, general_manager):
    application(
        recruiter,
        (A.SUBMITTED, "2026-10-12"),
        (A.NEEDS_CHANGES, "2026-10-12"),
        (A.SUBMITTED, "2026-10-14"),
        (A.IN_REVIEW, "2026-10-14"),
        (A.APPROVED, "2026-10-16"),
    )

    assert summary(client_for, general_manager)["cycle_time_working_days"] == "4.00"


def test_it_reports_complaint_service_levels(client_for, recruiter, customer_service, general_manager):
    cs = customer_service
    # Open, its reply due passed: overdue; answered within 48 h.
    complaint(
        recruiter,
        cs=cs,
        received=at("2026-10-12"),
        reply_due=at("2026-10-15", 23),
        first_response_at=at("2026-10-13"),
    )
    # Open, not yet due; answered after 3 days.
    complaint(
        recruiter, cs=cs, received=at("2026-10-16"), reply_due=at("2026-10-21", 23), first_response_at=at("2026-10-19")
    )
    # Closed in October within 7 working days (9 → 16 Oct: 6), answered in time.
    complaint(
        recruiter,
        cs=cs,
        received=at("2026-10-09"),
        first_response_at=at("2026-10-09", 15),
        status=ComplaintStatus.CLOSED,
        closed_at=at("2026-10-16"),
    )
    # Closed in October after 30 Sep: 30 Sep → 19 Oct is more than 7 working days.
    complaint(
        recruiter,
        cs=cs,
        received=at("2026-09-30"),
        first_response_at=at("2026-09-30", 15),
        status=ComplaintStatus.CLOSED_INVALID,
        closed_at=at("2026-10-19"),
    )
    # Received an hour ago, unanswered: counts for neither side of the 48 h share.
    complaint(recruiter, cs=cs, received=dt.datetime(2026, 10, 20, 1, tzinfo=dt.UTC))

    complaints = summary(client_for, general_manager)["complaints"]

    assert complaints == {
        "open": 3,
        "overdue": 1,
        "closed_within_7_working_days": "50.00",
        "first_response_within_48h": "66.67",
    }


def test_it_counts_churn_against_the_merchants_active_at_the_start(client_for, recruiter, general_manager):
    for _ in range(3):
        merchant_of(recruiter, status="active", signed_at=at("2026-05-01"))
    merchant_of(recruiter, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-10-08"))
    # Gone before October: neither active at its start nor terminated in it.
    merchant_of(recruiter, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-09-08"))
    # Signed in October: not active at its start.
    merchant_of(recruiter, status="active", signed_at=at("2026-10-08"))

    assert summary(client_for, general_manager)["churn"] == "25.00"


def test_it_counts_rate_requests_and_the_median_hours_to_decide(client_for, recruiter, general_manager):
    rate_request(recruiter, created=at("2026-10-12", 9), status=RequestStatus.APPROVED, closed=at("2026-10-12", 13))
    rate_request(recruiter, created=at("2026-10-12", 9), status=RequestStatus.REJECTED, closed=at("2026-10-13", 9))
    rate_request(recruiter, created=at("2026-10-14", 9), status=RequestStatus.APPROVED, closed=at("2026-10-14", 11))
    rate_request(recruiter, created=at("2026-10-19", 9))
    # Decided in September; no approval needed: neither counted.
    rate_request(recruiter, created=at("2026-09-01", 9), status=RequestStatus.APPROVED, closed=at("2026-09-02", 9))
    rate_request(recruiter, created=at("2026-10-12", 9), status=RequestStatus.NOT_REQUIRED, closed=at("2026-10-12", 9))

    requests = summary(client_for, general_manager)["rate_requests"]

    assert requests == {"pending": 1, "approved": 2, "rejected": 1, "median_hours_to_decide": "4.00"}


def test_it_defaults_to_the_current_month(client_for, recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-12")
    decided(recruiter, A.APPROVED, "2026-09-12")

    assert summary(client_for, general_manager, {})["funnel"]["approved"] == 1
