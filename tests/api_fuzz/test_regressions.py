"""Plain regression tests for what the fuzz suite found (API.md: errors are 4xx JSON that
name the field, never a 500; the schema at /api/schema/ is the contract).

Those marked ``xfail(strict=True)`` are in apps this suite does not own; the fuzz tests
tolerate them through ``schema.KNOWN_DEVIATIONS``. When one is fixed, its test passes
unexpectedly and fails the run: remove the mark and the matching deviation.
"""

import pytest

from tests.factories.commissions import make_merchant, make_request

from .schema import load_raw_schema

pytestmark = pytest.mark.django_db


# --- workplace (fixed) -------------------------------------------------------------------


@pytest.mark.parametrize(("start", "working_days"), [("0001-01-01", 300), ("0001-01-01", 0), ("9999-12-31", 0)])
def test_it_counts_from_the_edges_of_the_calendar(client_for, recruiter, start, working_days):
    # Was a 500: OverflowError: date value out of range (workplace/calendar.py, _Calendar).
    response = client_for(recruiter).get("/api/v1/calendar/due-date/", {"start": start, "working_days": working_days})
    assert response.status_code == 200
    due = response.json()["due"]
    assert due == start if working_days == 0 else due > start  # ISO dates compare as text


@pytest.mark.parametrize(("start", "working_days"), [("9999-12-31", 3), ("9999-12-01", 365)])
def test_it_answers_400_naming_start_for_a_due_date_past_the_end_of_the_calendar(
    client_for, recruiter, start, working_days
):
    # Was a 500: OverflowError: date value out of range (workplace/calendar.py, _Calendar).
    response = client_for(recruiter).get("/api/v1/calendar/due-date/", {"start": start, "working_days": working_days})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["start"]


def test_it_still_computes_an_ordinary_due_date(client_for, recruiter):
    response = client_for(recruiter).get("/api/v1/calendar/due-date/", {"start": "2026-09-30", "working_days": 3})

    assert response.status_code == 200
    assert response.json() == {"due": "2026-10-10", "fallback": False}


# --- commissions (not ours: xfail) -------------------------------------------------------


def test_it_documents_a_pending_steps_nulls(client_for, recruiter):
    rate_request = make_request(recruiter, "5.00")  # below the recruiter's authority: pending
    step = client_for(recruiter).get(f"/api/v1/rate-requests/{rate_request.pk}/").json()["steps"][0]
    documented = load_raw_schema()["components"]["schemas"]["Step"]["properties"]

    undocumented_nulls = [
        name for name, value in step.items() if value is None and not documented[name].get("nullable")
    ]
    assert undocumented_nulls == []


# --- merchants ---------------------------------------------------------------------------


def test_it_documents_the_unsigned_class_of_a_prospect_as_null(client_for, recruiter):
    # Was: signed_class "" for a merchant not yet signed, while the schema allowed only I, II, III.
    merchant = make_merchant(recruiter)
    body = client_for(recruiter).get(f"/api/v1/merchants/{merchant.pk}/").json()
    documented = load_raw_schema()["components"]["schemas"]["Merchant"]["properties"]["signed_class"]

    assert body["signed_class"] is None
    assert documented.get("nullable") or any(option.get("nullable") for option in documented.get("oneOf", []))


# --- settlement (fixed) ------------------------------------------------------------------


@pytest.mark.parametrize("dispute_id", ["null", "x", "1.5", "99999999999999999999"])
def test_closing_a_dispute_with_a_malformed_id_is_a_404(client_for, admin_user, dispute_id):
    # Was a 500: ValueError: Field 'id' expected a number but got 'null' (django's
    # get_object_or_404 in settlement/api/settlements.py; DRF's turns it into a 404).
    response = client_for(admin_user).post(f"/api/v1/settlement-disputes/{dispute_id}/close/", {}, format="json")
    assert response.status_code == 404
