"""A submit the pre-check can already see failing is refused (400, nothing written), with
each blocking point by field in the caller's language; warnings do not stop it."""

import pytest

from merchants import services
from merchants.models import Application, ApplicationStatus, CheckRun
from merchants.services.applications import SubmitRefused
from tests.factories.merchants import UNVERIFIED_REGION_ID_NUMBER, complete_documents

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"
INVALID_USCC = "91341202MA2N123450"  # a wrong check character


def submit_url(application):
    return f"{URL}{application.pk}/submit/"


def assert_nothing_written(application):
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None and application.check_due is None
    assert not application.status_changes.exists()
    assert not CheckRun.objects.filter(application=application).exists()


def test_it_refuses_missing_documents_and_a_bad_uscc_in_chinese(
    client_for, make_application, django_capture_on_commit_callbacks
):
    application = make_application(uscc=INVALID_USCC)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(application.merchant.user).post(submit_url(application))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "blocking_findings"
    assert body["detail"] == "申请尚不能提交：请先解决下列阻断问题。"
    assert body["uscc"] == [f"统一社会信用代码“{INVALID_USCC}”无效（长度、字符或校验码错误）。"]
    # Without a valid USCC the tax registration certificate is needed as well.
    assert body["documents"] == ["缺少证件：营业执照。", "缺少证件：税务登记证。", "缺少证件：法定代表人身份证。"]
    assert [(f["field"], f["code"], f["blocking"]) for f in body["findings"]] == [
        ("documents", "missing_document", True),
        ("documents", "missing_document", True),
        ("documents", "missing_document", True),
        ("uscc", "uscc_invalid", True),
    ]
    assert callbacks == []
    assert_nothing_written(application)


def test_it_refuses_in_english(client_for, make_application):
    application = make_application("documents", address="", legal_rep_id_number="")
    response = client_for(application.merchant.user).post(submit_url(application), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The application cannot be submitted yet: fix the blocking points listed first."
    assert body["address"] == ["The business address is missing."]
    assert body["legal_rep_id_number"] == ["The legal representative's ID number is missing."]
    assert "documents" not in body
    assert_nothing_written(application)


def test_an_expired_certificate_refuses_the_submit(client_for, make_application):
    import datetime as dt

    application = make_application()
    complete_documents(application, valid_until=dt.date.today() - dt.timedelta(days=1))
    response = client_for(application.merchant.user).post(submit_url(application), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["documents"] == [
        f"Business licence expired on {dt.date.today() - dt.timedelta(days=1)}.",
        f"ID card of the legal representative expired on {dt.date.today() - dt.timedelta(days=1)}.",
    ]
    assert_nothing_written(application)


def test_warnings_do_not_stop_the_submit(client_for, make_application):
    application = make_application("documents", legal_rep_id_number=UNVERIFIED_REGION_ID_NUMBER)
    response = client_for(application.merchant.user).post(submit_url(application))
    assert response.status_code == 200
    assert response.json()["status"] == ApplicationStatus.SUBMITTED


def test_a_complete_application_is_submitted(client_for, make_application):
    application = make_application("documents")
    response = client_for(application.merchant.user).post(submit_url(application))
    assert response.status_code == 200
    assert response.json()["status"] == ApplicationStatus.SUBMITTED


def test_the_service_reads_the_profile_under_the_lock(make_application):
    application = make_application("documents")
    # Another request emptied the address after this copy was read.
    Application.objects.filter(pk=application.pk).update(address="")
    with pytest.raises(SubmitRefused) as refused:
        services.application_submit(application=application, user=application.merchant.user)
    assert [finding.code for finding in refused.value.findings] == ["address_missing"]
    assert_nothing_written(application)


def test_a_resubmit_with_blocking_points_is_refused_too(client_for, make_application):
    application = make_application(ApplicationStatus.NEEDS_CHANGES)
    services.application_update(application=application, user=application.merchant.user, data={"district": ""})
    response = client_for(application.merchant.user).post(submit_url(application), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["district"] == ["The district of the business address is missing."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_CHANGES
