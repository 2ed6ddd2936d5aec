"""Edges of the complaint rules (SPEC.md §4, §7; API.md "Complaints"): the moment received
around midnight in Shanghai, deadlines from a date in Shanghai, the published-2027 flag,
quiet hours to the minute, bad input named in the reader's language with nothing saved,
and one merchant reaching for another's complaint through every door."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Attachment, Complaint, ComplaintEvent, ComplaintStatus, Investigation
from merchants.samples import png_bytes
from tests.factories.complaints import make_complaint
from workplace.exceptions import ApplicationError
from workplace.models import CalendarYear, Notification

from .conftest import at

S = ComplaintStatus
pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_complaint(user, body, language="zh-hans"):
    return api(user).post("/api/v1/complaints/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)


# --- received_at around midnight, Asia/Shanghai ---------------------------------------


@pytest.fixture
def just_after_midnight():
    """Tue 2026-10-13 00:10 Shanghai — still Mon 12 in UTC."""
    with time_machine.travel(at(2026, 10, 13, 0, 10), tick=False) as traveller:
        yield traveller


def test_it_takes_yesterday_from_midnight_in_shanghai(just_after_midnight, customer_service, merchant_a):
    complaint = services.complaint_receive(
        user=customer_service, merchant=merchant_a, type="other", description="x", received_at=at(2026, 10, 12, 0, 0)
    )
    assert complaint.received_at == at(2026, 10, 12, 0, 0)


@pytest.mark.parametrize("moment", [at(2026, 10, 11, 23, 59, 59), at(2026, 10, 13, 0, 10, 1)])
def test_it_refuses_the_day_before_yesterday_and_the_next_second(
    just_after_midnight, customer_service, merchant_a, moment
):
    with pytest.raises(ApplicationError) as error:
        services.complaint_receive(
            user=customer_service, merchant=merchant_a, type="other", description="x", received_at=moment
        )
    assert error.value.field == "received_at"
    assert not Complaint.objects.exists()


def test_it_reads_a_moment_without_offset_as_shanghai_time(just_after_midnight, customer_service, merchant_a):
    response = post_complaint(
        customer_service,
        {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": "2026-10-12T00:00:00"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["received_at"] == "2026-10-12T00:00:00+08:00"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"])
def test_it_names_a_moment_at_the_ends_of_the_calendar(frozen, customer_service, merchant_a, moment):
    response = post_complaint(
        customer_service, {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": moment}
    )
    assert response.status_code == 400, response.content
    assert list(response.json())[:1] == ["received_at"]
    assert not Complaint.objects.exists()


def test_a_moment_received_late_at_night_counts_from_its_shanghai_date(customer_service, merchant_a):
    # Fri 9 Oct 00:30 Shanghai is Thu 8 in UTC: Sat 10 (调休), Mon 12, Tue 13.
    with time_machine.travel(at(2026, 10, 9, 0, 30), tick=False):
        complaint = services.complaint_receive(
            user=customer_service, merchant=merchant_a, type="other", description="x"
        )
    assert complaint.reply_due == at(2026, 10, 13, 23, 59, 59)


def test_a_complaint_received_on_a_holiday_counts_from_the_next_working_day(customer_service, merchant_a):
    # Sun 4 Oct (National Day): Thu 8, Fri 9, Sat 10.
    with time_machine.travel(at(2026, 10, 4, 11, 0), tick=False):
        complaint = services.complaint_receive(
            user=customer_service, merchant=merchant_a, type="other", description="x"
        )
    assert complaint.reply_due == at(2026, 10, 10, 23, 59, 59)


def test_a_published_2027_is_no_longer_flagged(customer_service, merchant_a):
    CalendarYear.objects.create(year=2027)
    with time_machine.travel(at(2026, 12, 30, 9, 0), tick=False):
        complaint = services.complaint_receive(
            user=customer_service, merchant=merchant_a, type="other", description="x"
        )
    assert complaint.reply_due == at(2027, 1, 4, 23, 59, 59) and complaint.reply_due_fallback is False


def test_the_2027_flag_is_in_the_api(customer_service, merchant_a):
    with time_machine.travel(at(2026, 12, 30, 9, 0), tick=False):
        response = post_complaint(customer_service, {"merchant": merchant_a.pk, "type": "other", "description": "x"})
    body = response.json()
    assert (body["reply_due"], body["reply_due_fallback"]) == ("2027-01-04T23:59:59+08:00", True)


# --- quiet hours to the minute ------------------------------------------------------


@pytest.mark.parametrize(
    "moment, quiet",
    [
        (at(2026, 10, 13, 20, 59, 59), False),
        (at(2026, 10, 13, 21, 0), True),
        (at(2026, 10, 14, 0, 0), True),
        (at(2026, 10, 14, 7, 59, 59), True),
        (at(2026, 10, 14, 8, 0), False),
    ],
)
def test_quiet_hours_run_from_21_00_to_08_00_shanghai(customer_service, merchant_a, moment, quiet):
    with time_machine.travel(at(2026, 10, 13, 10, 0), tick=False) as traveller:
        complaint = make_complaint(cs=customer_service, merchant=merchant_a)
        Complaint.objects.filter(pk=complaint.pk).update(reply_due=at(2026, 10, 13, 12, 0))
        traveller.move_to(moment)
        result = services.complaint_deadlines_process()
    assert result["quiet"] is quiet
    assert Notification.objects.filter(kind="complaint_overdue").exists() is not quiet


# --- bad input: the field, in the reader's language, nothing saved --------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"type": "other", "description": "x"}, "merchant"),
        ({"merchant": 999999, "type": "other", "description": "x"}, "merchant"),
        ({"merchant": "MERCHANT", "type": "broken", "description": "x"}, "type"),
        ({"merchant": "MERCHANT", "type": "other", "description": "   "}, "description"),
        ({"merchant": "MERCHANT", "type": "other", "description": "x", "received_at": "yesterday"}, "received_at"),
    ],
)
def test_intake_names_the_bad_field_and_saves_nothing(frozen, customer_service, merchant_a, body, field):
    body = {key: (merchant_a.pk if value == "MERCHANT" else value) for key, value in body.items()}
    response = post_complaint(customer_service, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Complaint.objects.exists() and not ComplaintEvent.objects.exists()


@pytest.mark.parametrize("language, words", [("zh-hans", "不能晚于现在"), ("en", "cannot be in the future")])
def test_intake_speaks_the_readers_language(frozen, customer_service, merchant_a, language, words):
    response = post_complaint(
        customer_service,
        {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": "2026-10-13T10:00:01+08:00"},
        language=language,
    )
    assert response.status_code == 400
    assert words in response.json()["received_at"][0]


def test_a_merchant_naming_another_merchant_is_refused_without_saying_it_exists(
    frozen, merchant_user, merchant_a, merchant_b
):
    response = post_complaint(merchant_user, {"merchant": merchant_b.pk, "type": "other", "description": "x"})
    assert response.status_code == 400 and "merchant" in response.json()
    missing = post_complaint(merchant_user, {"merchant": 999999, "type": "other", "description": "x"})
    assert missing.json()["merchant"] == response.json()["merchant"]
    assert not Complaint.objects.exists()


def test_a_merchant_cannot_date_its_complaint_back(frozen, merchant_user, merchant_a):
    response = post_complaint(
        merchant_user, {"type": "other", "description": "x", "received_at": "2026-10-12T09:00:00+08:00"}
    )
    assert response.status_code == 400 and "received_at" in response.json()
    assert not Complaint.objects.exists()


def test_a_valid_investigation_without_its_department_saves_nothing(frozen, customer_service, merchant_a):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    response = api(customer_service).post(
        f"/api/v1/complaints/{complaint.pk}/investigate/", {"valid": True, "findings": "属实"}, format="json"
    )
    assert response.status_code == 400 and "responsible_department" in response.json()
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and not Investigation.objects.exists()
    assert complaint.first_response_at is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"visited_on": "2026-10-14", "satisfaction": "satisfied"}, "visited_on"),
        ({"visited_on": "2026-10-13", "satisfaction": "fine"}, "satisfaction"),
        ({"satisfaction": "satisfied"}, "visited_on"),
    ],
)
def test_a_bad_visit_names_its_field_and_saves_nothing(frozen, customer_service, merchant_a, person, body, field):
    complaint = make_complaint(S.FOLLOW_UP, cs=customer_service, merchant=merchant_a, person=person)
    response = api(customer_service).post(f"/api/v1/complaints/{complaint.pk}/visits/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not complaint.visits.exists()


def test_a_rejection_without_a_reason_names_the_opinion(frozen, customer_service, merchant_a, person, merchant_user):
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    response = api(merchant_user).post(
        f"/api/v1/complaints/{complaint.pk}/opinion/", {"accepted": False}, format="json"
    )
    assert response.status_code == 400 and "opinion" in response.json()
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_OPINION and not complaint.opinions.exists()


# --- one merchant reaching for another's complaint -----------------------------------


@pytest.fixture
def theirs(frozen, customer_service, merchant_a, person, merchant_user):
    """Merchant A's complaint awaiting its opinion, with a photo A attached."""
    complaint = make_complaint(S.AWAITING_OPINION, cs=customer_service, merchant=merchant_a, person=person)
    upload = SimpleUploadedFile("receipt.png", png_bytes(), content_type="image/png")
    attachment = services.attachment_add(complaint=complaint, by=merchant_user, file=upload)
    return complaint, attachment


def assert_api_not_found(response):
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def assert_page_not_found(response):
    assert response.status_code == 404
    assert "未找到。" in response.content.decode()


def test_merchant_b_gets_404_at_every_api_door_of_merchant_as_complaint(theirs, other_merchant_user, merchant_b):
    complaint, attachment = theirs
    client = api(other_merchant_user)
    base = f"/api/v1/complaints/{complaint.pk}"
    assert_api_not_found(client.get(f"{base}/"))
    assert_api_not_found(client.get(f"{base}/attachments/{attachment.pk}/"))
    for form in ("investigation", "transfer-slip", "opinion", "survey"):
        assert_api_not_found(client.get(f"{base}/forms/{form}.pdf"))
    for action, body in (
        ("opinion", {"accepted": True}),
        ("escalate", {"reason": "x"}),
        ("investigate", {"valid": False, "findings": "x"}),
        ("close", {}),
    ):
        response = client.post(f"{base}/{action}/", body, format="json")
        assert response.status_code == 404, (action, response.content)
        assert response.json()["code"] == "not_found", (action, response.content)
    upload = SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")
    assert_api_not_found(client.post(f"{base}/attachments/", {"file": upload}, format="multipart"))
    assert client.get(f"/api/v1/complaints/?merchant={complaint.merchant_id}").json()["results"] == []
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_OPINION and Attachment.objects.count() == 1


def test_merchant_b_gets_404_at_every_page_door_of_merchant_as_complaint(theirs, other_merchant_user, merchant_b):
    from django.test import Client

    complaint, attachment = theirs
    web = Client()
    web.force_login(other_merchant_user)
    base = f"/complaints/{complaint.pk}"
    assert_page_not_found(web.get(f"{base}/"))
    assert_page_not_found(web.get(f"{base}/files/{attachment.pk}/"))
    assert_page_not_found(web.get(f"{base}/files/{attachment.pk}/?download=1"))
    for form in ("investigation", "transfer-slip", "opinion", "survey"):
        assert_page_not_found(web.get(f"{base}/forms/{form}.pdf"))
    assert_page_not_found(web.post(f"{base}/opinion/", {"accepted": "yes"}))
    assert_page_not_found(web.post(f"{base}/escalate/", {"reason": "x"}))
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_OPINION


def test_the_attachment_of_one_complaint_is_not_served_under_another(
    theirs, merchant_user, customer_service, merchant_a
):
    complaint, attachment = theirs
    other = make_complaint(cs=customer_service, merchant=merchant_a)
    assert_api_not_found(api(merchant_user).get(f"/api/v1/complaints/{other.pk}/attachments/{attachment.pk}/"))


# --- the schema documents every endpoint of API.md "Complaints" -----------------------

API_MD_OPERATIONS = [
    ("get", "/api/v1/complaints/"),
    ("post", "/api/v1/complaints/"),
    ("get", "/api/v1/complaints/{id}/"),
    *[
        ("post", f"/api/v1/complaints/{{id}}/{action}/")
        for action in ("investigate", "solution", "opinion", "implemented", "visits", "close", "escalate")
    ],
    ("get", "/api/v1/complaints/{id}/forms/{form}.pdf"),
]


def test_the_schema_documents_every_complaint_endpoint(api_client, customer_service):
    api_client.force_authenticate(customer_service)
    schema = api_client.get("/api/schema/?format=json").json()
    for method, path in API_MD_OPERATIONS:
        assert method in schema["paths"].get(path, {}), (method, path)
    detail = schema["components"]["schemas"]["Complaint"]["properties"]
    for field in (
        "id",
        "number",
        "merchant",
        "type",
        "status",
        "step",
        "round",
        "received_at",
        "reply_due",
        "solution_due",
        "follow_up_due",
        "responsible_department",
        "responsible_person",
        "visits",
        "required_visits",
        "history",
        "dispute_level",
        "penalties",
        "reply_due_fallback",
        "solution_due_fallback",
        "follow_up_due_fallback",
    ):
        assert field in detail, field
    penalty = schema["components"]["schemas"]["PenaltySchema"]["properties"]
    assert set(penalty) == {"person", "as", "amount", "month"}
    create = schema["components"]["schemas"]["ComplaintCreateRequest"]["properties"]
    assert set(create) == {"merchant", "type", "description", "received_at"}


# --- the running deadline carries its fallback flag everywhere it is shown -----------


@pytest.fixture
def into_2027(customer_service, merchant_a):
    """A complaint received Wed 30 Dec 2026, its reply due Mon 4 Jan 2027 (fallback days),
    looked at on Tue 5 Jan 2027 (overdue)."""
    with time_machine.travel(at(2026, 12, 30, 9, 0), tick=False):
        complaint = services.complaint_receive(
            user=customer_service, merchant=merchant_a, type="other", description="x"
        )
    with time_machine.travel(at(2027, 1, 5, 9, 0), tick=False):
        yield complaint


def test_the_api_flags_the_running_deadline_in_the_list_and_the_detail(into_2027, customer_service):
    client = api(customer_service)
    row = client.get("/api/v1/complaints/").json()["results"][0]
    assert (row["deadline"], row["deadline_fallback"]) == ("2027-01-04T23:59:59+08:00", True)
    detail = client.get(f"/api/v1/complaints/{into_2027.pk}/").json()
    assert (detail["deadline"], detail["deadline_fallback"]) == ("2027-01-04T23:59:59+08:00", True)


def test_the_staff_list_page_flags_the_fallback_and_the_overdue(into_2027, ops_director):
    from django.test import Client

    web = Client()
    web.force_login(ops_director)
    page = web.get("/complaints/all/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = page.split(f'id="complaint-{into_2027.pk}"')[1].split("</tr>")[0]
    assert "fallback-flag" in row and "Overdue" in row


def test_a_refused_second_file_leaves_no_first_file_on_disk(frozen, settings, merchant_user, merchant_a):
    from pathlib import Path

    from django.test import Client

    web = Client()
    web.force_login(merchant_user)
    photo = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    junk = SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    response = web.post("/complaints/mine/new/", {"type": "other", "description": "x", "attachments": [photo, junk]})
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


def test_a_notice_flags_a_deadline_counted_on_fallback_days(customer_service, merchant_a, person):
    """Received Wed 30 Dec 2026: the transfer slip's solution is due Mon 4 Jan 2027 on
    fallback days, and so is the reply of a second complaint, overdue on Tue 5 Jan."""
    with time_machine.travel(at(2026, 12, 30, 9, 0), tick=False) as traveller:
        make_complaint(S.AWAITING_SOLUTION, cs=customer_service, merchant=merchant_a, person=person)
        make_complaint(cs=customer_service, merchant=merchant_a)
        services.complaint_deadlines_process()
        transfer = Notification.objects.get(recipient=person, kind="complaint_transfer")
        assert "2027-01-04 23:59" in transfer.body and "临时日历" in transfer.body
        traveller.move_to(at(2027, 1, 5, 9, 0))
        services.complaint_deadlines_process()
    overdue = Notification.objects.filter(recipient=customer_service, kind="complaint_overdue").get()
    assert "2027-01-04 23:59" in overdue.body and "临时日历" in overdue.body


def test_a_null_received_at_means_now(frozen, customer_service, merchant_a):
    response = post_complaint(
        customer_service, {"merchant": merchant_a.pk, "type": "other", "description": "x", "received_at": None}
    )
    assert response.status_code == 201, response.content
    assert response.json()["received_at"] == "2026-10-13T10:00:00+08:00"
