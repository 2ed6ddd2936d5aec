"""Positive feedback logged by customer service: a good review (SPEC.md §5.1) for the
merchant's recruiter, outside any complaint."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from compensation.models import ItemKind, PayrollLine
from compensation.services.runs import payroll_run_start
from complaints.models import PointEvent, PointKind
from complaints.services import positive_feedback_log
from tests.factories.compensation import signed_merchant
from workplace.exceptions import ApplicationError, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC), tick=False):
        yield


def test_it_credits_the_recruiter_with_a_good_review(customer_service, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))

    event = positive_feedback_log(by=customer_service, merchant=merchant, note="顾客来电表扬服务周到")

    assert (event.kind, event.points, event.recruiter, event.month) == (
        PointKind.GOOD_REVIEW,
        Decimal("0.50"),
        recruiter,
        dt.date(2026, 6, 1),
    )
    assert event.complaint is None and event.logged_by == customer_service


def test_the_monthly_run_counts_it_with_its_note(customer_service, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5), name="好评商户")
    positive_feedback_log(by=customer_service, merchant=merchant, note="表扬")
    with time_machine.travel(dt.datetime(2026, 7, 2, 2, tzinfo=dt.UTC), tick=False):
        run, _ = payroll_run_start(kind="monthly", period="2026-06")
    line = PayrollLine.objects.get(run=run, staff=recruiter)
    item = line.items.get(kind=ItemKind.GOOD_REVIEW)
    assert line.points == Decimal("0.50")
    assert (item.source_type, item.source_id, item.data["note"]) == ("merchants.merchant", merchant.pk, "表扬")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"status": "suspended"}, "merchant"), ({"recruiter": None}, "merchant")],
)
def test_it_refuses_feedback_that_cannot_count(customer_service, recruiter, change, field):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    for name, value in change.items():
        setattr(merchant, name, value)
    merchant.save()
    with pytest.raises(ApplicationError) as refused:
        positive_feedback_log(by=customer_service, merchant=merchant, note="表扬")
    assert refused.value.field == field
    assert not PointEvent.objects.exists()


def test_it_needs_a_note(customer_service, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    with pytest.raises(ApplicationError) as refused:
        positive_feedback_log(by=customer_service, merchant=merchant, note="  ")
    assert refused.value.field == "note"


def test_only_customer_service_logs_it(recruiter, recruitment_head):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    for user in (recruiter, recruitment_head):
        with pytest.raises(NotPermitted):
            positive_feedback_log(by=user, merchant=merchant, note="表扬")
    assert not PointEvent.objects.exists()


def browser(client, user):
    client.force_login(user)
    return client


def test_customer_service_logs_it_in_the_admin(client, customer_service, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    client = browser(client, customer_service)

    page = client.get("/admin/complaints/pointevent/add/")
    response = client.post("/admin/complaints/pointevent/add/", {"merchant": merchant.pk, "note": "服务好"})

    assert page.status_code == 200
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/admin/complaints/pointevent/"
    event = PointEvent.objects.get()
    assert (event.merchant, event.recruiter, event.note, event.logged_by) == (
        merchant,
        recruiter,
        "服务好",
        customer_service,
    )


def test_the_admin_shows_the_refusal_on_the_field(client, customer_service, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    response = browser(client, customer_service).post(
        "/admin/complaints/pointevent/add/", {"merchant": merchant.pk, "note": ""}
    )
    assert response.status_code == 200
    assert "note" in response.context["adminform"].form.errors
    assert not PointEvent.objects.exists()


def test_a_recruiter_cannot_add_it_in_the_admin(client, recruiter):
    response = browser(client, recruiter).get("/admin/complaints/pointevent/add/")
    assert response.status_code == 403
    assert not PointEvent.objects.exists()
