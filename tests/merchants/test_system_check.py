"""The system check as a task: outcome, deadlines, findings stored, safe to re-run."""

import datetime as dt

import pytest
import time_machine

from merchants import services
from merchants.models import ApplicationStatus, CheckRun, DocumentKind
from merchants.tasks import run_system_check
from tests.factories.merchants import LETTER_FIRST_USCC, UNVERIFIED_REGION_ID_NUMBER, DocumentFactory
from workplace.calendar import SHANGHAI

from .conftest import behind_the_precheck

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)


def submit(application):
    services.application_submit(application=application, user=application.merchant.user)


def test_a_clean_application_goes_to_review_with_its_deadline(make_application, django_capture_on_commit_callbacks):
    application = make_application("documents")
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        submit(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.review_due == dt.datetime(2026, 11, 5, 23, 59, 59, tzinfo=SHANGHAI)
    assert application.check_runs.get().findings.count() == 0


def test_warnings_do_not_block(make_application):
    application = make_application("documents", legal_rep_id_number=UNVERIFIED_REGION_ID_NUMBER, uscc=LETTER_FIRST_USCC)
    submit(application)
    run_system_check(application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert list(application.check_runs.get().findings.values_list("code", "blocking")) == [
        ("id_region_unverified", False)
    ]


def test_blocking_findings_send_it_back_with_15_days(make_application):
    application = make_application("documents")
    with time_machine.travel(MONDAY, tick=False):
        submit(application)
        behind_the_precheck(application, address="")
        run_system_check(application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_CHANGES
    assert application.resubmit_due == dt.datetime(2026, 11, 17, 23, 59, 59, tzinfo=SHANGHAI)
    assert list(application.check_runs.get().findings.values_list("code", flat=True)) == ["address_missing"]


def test_an_expired_licence_blocks_and_names_the_document(make_application):
    application = make_application()
    # Valid on the day of submitting (the pre-check passes), expired when the check runs.
    DocumentFactory(application=application, kind=DocumentKind.BUSINESS_LICENCE, valid_until=dt.date(2026, 11, 2))
    DocumentFactory(application=application, kind=DocumentKind.LEGAL_REP_ID, valid_until=dt.date(2026, 12, 2))
    with time_machine.travel(MONDAY.replace(hour=23, minute=59), tick=False):
        submit(application)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        run_system_check(application.pk)
    findings = {finding.code: finding for finding in application.check_runs.get().findings.all()}
    assert set(findings) == {"document_expired", "document_expiring"}
    assert findings["document_expired"].blocking and not findings["document_expiring"].blocking


def test_a_stored_file_that_is_not_a_document_type_blocks(make_application):
    application = make_application("documents")
    document = application.documents.first()
    with document.file.open("wb") as handle:
        handle.write(b"GIF89a" + b"\0" * 40)
    submit(application)
    run_system_check(application.pk)
    assert list(application.check_runs.get().findings.values_list("code", flat=True)) == ["file_type_invalid"]


def test_it_is_safe_to_run_twice(make_application):
    application = make_application("documents")
    submit(application)
    assert run_system_check(application.pk) is True
    assert run_system_check(application.pk) is False
    assert CheckRun.objects.filter(application=application).count() == 1
    assert application.status_changes.filter(to_status="auto_check").count() == 1


def test_it_ignores_a_withdrawn_application(make_application):
    application = make_application("documents")
    submit(application)
    services.application_withdraw(application=application, user=application.merchant.user)
    assert run_system_check(application.pk) is False
    assert run_system_check(987654) is False


def test_a_resubmission_is_checked_again(make_application):
    application = make_application("documents")
    submit(application)
    behind_the_precheck(application, address="")
    run_system_check(application.pk)
    application.refresh_from_db()
    services.application_update(application=application, user=application.merchant.user, data={"address": "人民路1号"})
    submit(application)
    run_system_check(application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.check_runs.count() == 2


def test_stalled_checks_are_picked_up(make_application):
    application = make_application("documents")
    with time_machine.travel(MONDAY, tick=False):
        submit(application)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=30), tick=False):
        assert services.stalled_system_checks_run() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
