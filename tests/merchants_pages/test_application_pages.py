import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from merchants.models import Application, ApplicationStatus, Document

from .conftest import PROFILE, pdf_file, png_file

pytestmark = pytest.mark.django_db


def detail_url(application):
    return reverse("merchants:application_detail", args=[application.pk])


# --- create and edit the profile ---------------------------------------------------


def test_it_creates_the_application_from_the_profile_form(page_client, merchant_user):
    response = page_client(merchant_user).post(reverse("merchants:application_create"), PROFILE)
    application = Application.objects.get(merchant__user=merchant_user)
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert application.status == ApplicationStatus.DRAFT
    assert application.uscc == PROFILE["uscc"]


def test_it_sends_a_merchant_with_an_open_application_to_it(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(merchant_user).get(reverse("merchants:application_create"))
    assert response["Location"] == detail_url(application)


def test_the_profile_form_reports_errors_next_to_the_fields_in_english(page_client, merchant_user):
    data = {**PROFILE, "company_name": "", "contact_phone": "abc", "legal_rep_id_number": "123"}
    response = page_client(merchant_user).post(reverse("merchants:application_create"), data, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["form"].errors
    assert errors["company_name"] == ["This field is required."]
    assert "mobile number" in errors["contact_phone"][0]
    assert "at least 18 characters" in errors["legal_rep_id_number"][0]
    assert not Application.objects.exists()


def test_the_profile_form_reports_errors_in_chinese(page_client, merchant_user):
    data = {**PROFILE, "company_name": "", "category": "bakery"}
    response = page_client(merchant_user).post(reverse("merchants:application_create"), data)
    errors = response.context["form"].errors
    assert errors["company_name"] == ["该字段是必填项。"]
    assert "bakery" in errors["category"][0] and "选择" in errors["category"][0]


def test_the_profile_form_offers_the_fuyang_districts(page_client, merchant_user):
    content = page_client(merchant_user).get(reverse("merchants:application_create")).content.decode()
    assert '<datalist id="fuyang-districts">' in content
    assert "颍上县" in content


def test_it_edits_a_draft(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    url = reverse("merchants:application_edit", args=[application.pk])
    response = page_client(merchant_user).post(
        url, {**PROFILE, "address": "阜阳市颍泉区新路 8 号", "district": "颍泉区"}
    )
    assert (response.status_code, response["Location"]) == (302, detail_url(application))
    application.refresh_from_db()
    assert application.district == "颍泉区"


def test_it_refuses_to_edit_an_application_in_review(page_client, merchant_user, make_application):
    application = make_application(merchant_user, status=ApplicationStatus.IN_REVIEW)
    url = reverse("merchants:application_edit", args=[application.pk])
    response = page_client(merchant_user).post(url, {**PROFILE, "district": "颍泉区"})
    assert response["Location"] == detail_url(application)
    application.refresh_from_db()
    assert application.district == PROFILE["district"]


@pytest.mark.parametrize("name", ["application_detail", "application_edit"])
def test_another_merchants_application_is_not_found(
    page_client, merchant_user, other_merchant_user, make_application, name
):
    application = make_application(merchant_user)
    response = page_client(other_merchant_user).get(reverse(f"merchants:{name}", args=[application.pk]))
    assert response.status_code == 404
    assert "未找到。" in response.content.decode()
    assert application.uscc not in response.content.decode()


def test_staff_may_not_use_the_merchant_pages(page_client, recruitment_head, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(recruitment_head).get(detail_url(application))
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert application.uscc not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client().get(detail_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- certificates --------------------------------------------------------------------


def test_the_checklist_shows_what_is_missing_before_submitting(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False)
    response = page_client(merchant_user).get(detail_url(application))
    assert [row["kind"] for row in response.context["missing"]] == ["business_licence", "legal_rep_id"]
    assert "missing_document" in [finding.code for finding in response.context["precheck"]]
    assert b"checklist-missing" in response.content


def test_a_non_enterprise_needs_its_registration_certificate(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False, entity_type="non_enterprise")
    response = page_client(merchant_user).get(detail_url(application))
    assert {row["kind"] for row in response.context["missing"]} == {"org_registration", "legal_rep_id"}


def test_an_enterprise_without_a_valid_uscc_needs_the_tax_certificate(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False, uscc="")
    response = page_client(merchant_user).get(detail_url(application))
    assert "tax_registration" in [row["kind"] for row in response.context["missing"]]


def test_it_uploads_a_certificate(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False)
    url = reverse("merchants:document_upload", args=[application.pk])
    data = {"kind": "business_licence", "number": PROFILE["uscc"], "valid_until": "2030-01-31", "file": png_file()}
    response = page_client(merchant_user).post(url, data)
    assert (response.status_code, response["Location"]) == (302, detail_url(application) + "#documents")
    document = Document.objects.get(application=application)
    assert (document.kind, document.valid_until, document.content_type) == (
        "business_licence",
        dt.date(2030, 1, 31),
        "image/png",
    )


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_next_to_the_field(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False)
    url = reverse("merchants:document_upload", args=[application.pk])
    # A ".png" name does not make a PNG: the type comes from the content.
    data = {"kind": "business_licence", "file": SimpleUploadedFile("licence.png", b"just text, not an image")}
    response = page_client(merchant_user).post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "file type is not accepted" in response.context["upload_form"].errors["file"][0]
    assert not Document.objects.exists()


def test_an_upload_without_a_file_is_refused_in_chinese(page_client, merchant_user, make_application):
    application = make_application(merchant_user, documents=False)
    url = reverse("merchants:document_upload", args=[application.pk])
    response = page_client(merchant_user).post(url, {"kind": "business_licence"})
    assert response.context["upload_form"].errors["file"] == ["该字段是必填项。"]


def test_an_upload_after_submitting_is_a_conflict(page_client, merchant_user, make_application):
    application = make_application(merchant_user, status=ApplicationStatus.IN_REVIEW)
    url = reverse("merchants:document_upload", args=[application.pk])
    response = page_client(merchant_user).post(url, {"kind": "tax_registration", "file": pdf_file()})
    assert response.status_code == 409
    assert response.context["upload_form"].non_field_errors()
    assert not application.documents.filter(kind="tax_registration").exists()


def test_another_merchant_cannot_upload(page_client, merchant_user, other_merchant_user, make_application):
    application = make_application(merchant_user, documents=False)
    url = reverse("merchants:document_upload", args=[application.pk])
    response = page_client(other_merchant_user).post(url, {"kind": "business_licence", "file": pdf_file()})
    assert response.status_code == 404
    assert "未找到。" in response.content.decode()
    assert not Document.objects.exists()


def test_it_removes_a_certificate_of_a_draft(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    document = application.documents.first()
    url = reverse("merchants:document_delete", args=[application.pk, document.pk])
    page_client(merchant_user).post(url)
    assert not Document.objects.filter(pk=document.pk).exists()


def test_removing_needs_a_post(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    document = application.documents.first()
    url = reverse("merchants:document_delete", args=[application.pk, document.pk])
    response = page_client(merchant_user).get(url)
    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert Document.objects.filter(pk=document.pk).exists()


# --- submit, fix and resubmit, withdraw ----------------------------------------------


def test_submitting_a_complete_application_puts_it_in_review(
    page_client, merchant_user, make_application, django_capture_on_commit_callbacks
):
    application = make_application(merchant_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client(merchant_user).post(reverse("merchants:application_submit", args=[application.pk]))
    assert response["Location"] == detail_url(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.review_due is not None


def test_an_incomplete_application_is_not_submitted(
    page_client, merchant_user, make_application, django_capture_on_commit_callbacks
):
    application = make_application(merchant_user, documents=False)
    client = page_client(merchant_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("merchants:application_submit", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not application.check_runs.exists() and not application.status_changes.exists()
    # Each blocking point reads in the reader's language, by field, never by its code.
    content = response.content.decode()
    assert "The application cannot be submitted yet: fix the blocking points listed first." in content
    assert content.count("<strong>Certificates</strong>: Missing document:") == 2
    assert "missing_document" not in content


def test_a_merchant_fixes_and_resubmits(
    page_client, merchant_user, make_application, django_capture_on_commit_callbacks
):
    application = make_application(merchant_user, status=ApplicationStatus.NEEDS_CHANGES, address="")
    client = page_client(merchant_user)
    client.post(reverse("merchants:application_edit", args=[application.pk]), PROFILE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("merchants:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_submitting_twice_shows_the_services_message(page_client, merchant_user, make_application):
    application = make_application(merchant_user, status=ApplicationStatus.IN_REVIEW)
    response = page_client(merchant_user).post(
        reverse("merchants:application_submit", args=[application.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not allowed while the application is" in response.content.decode()


def test_submit_refuses_a_get(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(merchant_user).get(reverse("merchants:application_submit", args=[application.pk]))
    assert (response.status_code, response["Allow"]) == (405, "POST")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_is_csrf_protected(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(merchant_user, enforce_csrf=True).post(
        reverse("merchants:application_submit", args=[application.pk])
    )
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_another_merchant_cannot_submit(page_client, merchant_user, other_merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(other_merchant_user).post(reverse("merchants:application_submit", args=[application.pk]))
    assert response.status_code == 404
    assert "未找到。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_merchant_withdraws_its_application(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    page_client(merchant_user).post(
        reverse("merchants:application_withdraw", args=[application.pk]), {"reason": "改主意了"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
