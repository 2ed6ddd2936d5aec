"""One deadline table (SPEC.md §1.5, §7): each status's deadline at the calendar's edges —
the day before National Day 2026 (1–8 October off), an adjusted working Sunday
(2026-09-20), 23:59 against 00:00 Asia/Shanghai, and into 2027, which the calendar does
not know: such a deadline is flagged on the record, the pages, the admin and the API."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse

from merchants import services
from merchants.models import Application, ApplicationStatus
from merchants.services.deadlines import DEADLINE_TABLE, RESUBMIT, REVIEW, SYSTEM_CHECK
from merchants.tasks import process_onboarding_deadlines
from workplace.calendar import SHANGHAI
from workplace.models import CalendarOverride, CalendarYear, Notification

pytestmark = pytest.mark.django_db


def moment(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(year, month, day):
    return dt.datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- the table --------------------------------------------------------------------


def test_the_table_names_each_running_deadline_and_its_rule_parameter():
    assert {status: rule.field for status, rule in DEADLINE_TABLE.items()} == {
        ApplicationStatus.SUBMITTED: "check_due",
        ApplicationStatus.AUTO_CHECK: "check_due",
        ApplicationStatus.IN_REVIEW: "review_due",
        ApplicationStatus.SITE_VISIT: "review_due",
        ApplicationStatus.NEEDS_CHANGES: "resubmit_due",
    }
    assert (SYSTEM_CHECK.parameter, SYSTEM_CHECK.working_days) == ("check_working_days", True)
    assert (REVIEW.parameter, REVIEW.working_days) == ("review_working_days", True)
    assert (RESUBMIT.parameter, RESUBMIT.working_days, RESUBMIT.fallback_field) == (
        "resubmit_calendar_days",
        False,
        None,
    )


@pytest.mark.parametrize(
    ("status", "start", "due"),
    [
        # The day before National Day: the holiday runs 1–8 October.
        (ApplicationStatus.SUBMITTED, moment(2026, 9, 30), end_of(2026, 10, 8)),
        # SPEC.md §7's example: 3 working days → the adjusted working Saturday 2026-10-10.
        (ApplicationStatus.IN_REVIEW, moment(2026, 9, 30), end_of(2026, 10, 10)),
        # Friday before the adjusted working Sunday 2026-09-20.
        (ApplicationStatus.SUBMITTED, moment(2026, 9, 18), end_of(2026, 9, 20)),
        (ApplicationStatus.IN_REVIEW, moment(2026, 9, 18), end_of(2026, 9, 22)),
        # An ordinary weekend for comparison.
        (ApplicationStatus.SUBMITTED, moment(2026, 9, 11), end_of(2026, 9, 14)),
        # 15 calendar days, holiday or not.
        (ApplicationStatus.NEEDS_CHANGES, moment(2026, 9, 30), end_of(2026, 10, 15)),
    ],
)
def test_each_status_gets_its_deadline_from_the_table(status, start, due):
    fields = services.deadline_fields(status, start)
    rule = DEADLINE_TABLE[status]
    assert fields[rule.field] == due
    assert fields.get(rule.fallback_field, False) is False


@pytest.mark.parametrize(
    ("start", "check_due", "resubmit_due"),
    [
        (moment(2026, 9, 29, 23, 59), end_of(2026, 9, 30), end_of(2026, 10, 14)),
        (moment(2026, 9, 30, 0, 0), end_of(2026, 10, 8), end_of(2026, 10, 15)),
        # The same instant in UTC counts from its Shanghai date.
        (dt.datetime(2026, 9, 29, 16, 0, tzinfo=dt.UTC), end_of(2026, 10, 8), end_of(2026, 10, 15)),
    ],
)
def test_the_day_counts_from_the_shanghai_date(start, check_due, resubmit_due):
    assert services.deadline_fields(ApplicationStatus.SUBMITTED, start)["check_due"] == check_due
    assert services.deadline_fields(ApplicationStatus.NEEDS_CHANGES, start)["resubmit_due"] == resubmit_due


def test_a_deadline_into_2027_is_flagged_as_fallback():
    fields = services.deadline_fields(ApplicationStatus.IN_REVIEW, moment(2026, 12, 30))
    # 31 December, then Friday 1 January 2027 and Monday 4 January by Monday–Friday.
    assert fields == {"review_due": end_of(2027, 1, 4), "review_due_fallback": True}
    assert services.deadline_fields(ApplicationStatus.SUBMITTED, moment(2026, 12, 30)) == {
        "check_due": end_of(2026, 12, 31),
        "check_due_fallback": False,
    }
    # Calendar days never consult the working-day calendar: no flag.
    assert services.deadline_fields(ApplicationStatus.NEEDS_CHANGES, moment(2026, 12, 30)) == {
        "resubmit_due": end_of(2027, 1, 14)
    }


def test_a_published_2027_is_no_longer_fallback():
    CalendarYear.objects.create(year=2027)
    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    assert services.deadline_fields(ApplicationStatus.SUBMITTED, moment(2026, 12, 31)) == {
        "check_due": end_of(2027, 1, 4),
        "check_due_fallback": False,
    }


def test_a_submission_starts_afresh():
    fields = services.deadline_fields(ApplicationStatus.SUBMITTED, moment(2026, 12, 31), clear_others=True)
    assert fields == {
        "check_due": end_of(2027, 1, 1),
        "check_due_fallback": True,
        "review_due": None,
        "review_due_fallback": False,
        "resubmit_due": None,
    }


# --- writers store the flag -------------------------------------------------------


def test_the_services_store_each_deadline_with_its_flag(make_application):
    with time_machine.travel(moment(2026, 12, 31), tick=False):
        application = make_application("documents")
        services.application_submit(application=application, user=application.merchant.user)
    application.refresh_from_db()
    assert (application.check_due, application.check_due_fallback) == (end_of(2027, 1, 1), True)
    with time_machine.travel(moment(2026, 12, 31, 10, 5), tick=False):
        services.application_run_system_check(application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert (application.review_due, application.review_due_fallback) == (end_of(2027, 1, 5), True)


def test_a_deadline_within_known_years_is_not_flagged(make_application):
    with time_machine.travel(moment(2026, 9, 30), tick=False):
        application = make_application(ApplicationStatus.IN_REVIEW)
    assert (application.check_due, application.check_due_fallback) == (end_of(2026, 10, 8), False)
    assert (application.review_due, application.review_due_fallback) == (end_of(2026, 10, 10), False)


def test_the_migration_backfills_the_flag_of_existing_rows(make_application):
    with time_machine.travel(moment(2026, 12, 30), tick=False):
        beyond = make_application(ApplicationStatus.IN_REVIEW)
    with time_machine.travel(moment(2026, 9, 30), tick=False):
        known = make_application(ApplicationStatus.IN_REVIEW)
    Application.objects.update(check_due_fallback=True, review_due_fallback=False)
    Application.objects.filter(pk=known.pk).update(check_due_fallback=False)
    migration = importlib.import_module("merchants.migrations.0008_application_deadline_fallback_flags")
    migration.backfill(apps, None)
    flags = dict(Application.objects.values_list("pk", "review_due_fallback"))
    assert flags == {beyond.pk: True, known.pk: False}
    assert not Application.objects.get(pk=known.pk).check_due_fallback


# --- the 15-day expiry ------------------------------------------------------------


def test_needs_changes_expires_at_the_end_of_the_15th_calendar_day_across_the_holiday(make_application):
    with time_machine.travel(moment(2026, 9, 30, 23, 59), tick=False):
        application = make_application(ApplicationStatus.NEEDS_CHANGES)
    assert application.resubmit_due == end_of(2026, 10, 15)
    with time_machine.travel(end_of(2026, 10, 15), tick=False):
        assert process_onboarding_deadlines()["expired"] == 0
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_CHANGES
    with time_machine.travel(moment(2026, 10, 16, 0, 0), tick=False):
        assert process_onboarding_deadlines()["expired"] == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EXPIRED


def test_a_send_back_at_midnight_counts_from_the_next_day(make_application):
    with time_machine.travel(moment(2026, 10, 1, 0, 0), tick=False):
        application = make_application(ApplicationStatus.NEEDS_CHANGES)
    assert application.resubmit_due == end_of(2026, 10, 16)


# --- escalation across the holiday ------------------------------------------------


def test_escalation_counts_working_days_after_the_deadline_across_national_day(
    make_application, recruiter, recruitment_head, ops_director
):
    # In review on Friday 25 September: due at the end of Wednesday 30 September.
    with time_machine.travel(moment(2026, 9, 25), tick=False):
        application = make_application(ApplicationStatus.IN_REVIEW)
    assert application.review_due == end_of(2026, 9, 30)

    def told(user, suffix):
        return Notification.objects.filter(recipient=user, kind=f"application_review_{suffix}").count()

    def run(at):
        with time_machine.travel(at, tick=False):
            process_onboarding_deadlines()
        return told(recruiter, "reminder"), told(recruitment_head, "escalation"), told(ops_director, "escalation")

    assert run(end_of(2026, 9, 30)) == (0, 0, 0)
    assert run(moment(2026, 10, 1, 0, 0)) == (1, 0, 0)
    # +1 working day is 8 October (the holiday is off): the head hears on the 9th.
    assert run(end_of(2026, 10, 8)) == (1, 0, 0)
    assert run(moment(2026, 10, 9, 0, 0)) == (1, 1, 0)
    # +2 working days is 9 October: the director hears on the adjusted working Saturday.
    assert run(end_of(2026, 10, 9)) == (1, 1, 0)
    assert run(moment(2026, 10, 10, 0, 0)) == (1, 1, 1)
    assert services.escalation_level_due(application.review_due, 1) == end_of(2026, 10, 8)
    assert services.escalation_level_due(application.review_due, 2) == end_of(2026, 10, 9)


# --- shown wherever the deadline is -----------------------------------------------


@pytest.fixture
def into_2027(make_application):
    with time_machine.travel(moment(2026, 12, 30), tick=False):
        return make_application(ApplicationStatus.IN_REVIEW)


@pytest.fixture
def within_2026(make_application):
    with time_machine.travel(moment(2026, 9, 30), tick=False):
        return make_application(ApplicationStatus.IN_REVIEW, company_name="国庆前商户")


def flag_count(response) -> int:
    return response.content.decode().count('class="badge text-bg-warning fallback-flag"')


def test_the_portal_page_flags_a_fallback_deadline(into_2027, merchant_user):
    with time_machine.travel(moment(2026, 12, 31), tick=False):
        response = signed_in(merchant_user).get(
            reverse("merchants:application_detail", args=[into_2027.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response.context["deadline"]["fallback"] is True
    content = response.content.decode()
    assert "2027-01-04 23:59" in content
    assert flag_count(response) == 1
    assert "Provisional calendar" in content


def test_the_portal_shows_the_flag_in_chinese(into_2027, merchant_user):
    with time_machine.travel(moment(2026, 12, 31), tick=False):
        response = signed_in(merchant_user).get(reverse("merchants:application_detail", args=[into_2027.pk]))
    assert response.status_code == 200
    assert flag_count(response) == 1
    assert "Provisional calendar" not in response.content.decode()


def test_the_portal_does_not_flag_a_known_deadline(within_2026, merchant_user):
    with time_machine.travel(moment(2026, 9, 30, 11), tick=False):
        response = signed_in(merchant_user).get(reverse("merchants:application_detail", args=[within_2026.pk]))
    assert response.status_code == 200
    assert "2026-10-10 23:59" in response.content.decode()
    assert flag_count(response) == 0


def test_the_review_list_and_detail_flag_only_the_fallback_deadline(into_2027, within_2026, recruiter):
    with time_machine.travel(moment(2026, 12, 31), tick=False):
        client = signed_in(recruiter)
        listing = client.get(reverse("merchants:review_list"))
        detail = client.get(reverse("merchants:review_detail", args=[into_2027.pk]))
        other = client.get(reverse("merchants:review_detail", args=[within_2026.pk]))
    assert listing.status_code == 200
    rows = {row["application"].pk: row["deadline"] for row in listing.context["rows"]}
    assert rows[into_2027.pk]["fallback"] is True and rows[within_2026.pk]["fallback"] is False
    assert flag_count(listing) == 1
    assert detail.status_code == 200 and flag_count(detail) == 1
    assert "2027-01-04 23:59" in detail.content.decode()
    assert other.status_code == 200 and flag_count(other) == 0


def test_the_admin_flags_the_running_deadline(into_2027, within_2026, recruitment_head):
    client = signed_in(recruitment_head)
    listing = client.get("/admin/merchants/application/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert content.count('class="fallback-flag"') == 1
    assert "2027-01-04 23:59" in content and "2026-10-10 23:59" in content
    change = client.get(f"/admin/merchants/application/{into_2027.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert change.status_code == 200
    # The record's flag, beside the deadline it belongs to.
    row = change.content.decode().split('class="form-row field-review_due_fallback"', 1)[1][:600]
    assert "Review due counted fallback days" in row
    assert 'alt="True"' in row


def test_the_api_gives_each_deadline_its_fallback_flag(into_2027, within_2026, recruiter, api_client):
    api_client.force_authenticate(recruiter)
    detail = api_client.get(f"/api/v1/applications/{into_2027.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["review_due"] == "2027-01-04T23:59:59+08:00"
    assert body["review_due_fallback"] is True
    assert body["check_due_fallback"] is False
    # The running deadline, as in the complaints API.
    assert (body["deadline"], body["deadline_fallback"]) == ("2027-01-04T23:59:59+08:00", True)
    listing = api_client.get("/api/v1/applications/")
    assert listing.status_code == 200
    flags = {row["id"]: (row["review_due_fallback"], row["deadline_fallback"]) for row in listing.json()["results"]}
    assert flags == {into_2027.pk: (True, True), within_2026.pk: (False, False)}


def test_statuses_without_a_deadline_show_none(make_application):
    with time_machine.travel(moment(2026, 9, 30), tick=False):
        application = make_application(ApplicationStatus.REJECTED)
    assert services.application_deadline(application) is None
