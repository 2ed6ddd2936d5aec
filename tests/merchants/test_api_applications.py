import pytest

from merchants.models import Application, ApplicationStatus, DocumentKind, MerchantStatus
from tests.factories.merchants import APPLICATION_PROFILE

from .conftest import behind_the_precheck, upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"

PROFILE = APPLICATION_PROFILE


def test_it_creates_an_application_with_a_prospect_merchant(client_for, merchant_user):
    response = client_for(merchant_user).post(URL, PROFILE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    application = Application.objects.get(pk=body["id"])
    assert body["merchant"] == application.merchant_id
    assert application.merchant.status == MerchantStatus.PROSPECT
    assert application.merchant.user == merchant_user


def test_it_names_the_bad_fields(client_for, merchant_user):
    response = client_for(merchant_user).post(URL, {**PROFILE, "category": "casino", "entity_type": ""}, format="json")
    assert response.status_code == 400
    assert {"category", "entity_type"} <= set(response.json())
    assert not Application.objects.exists()


def test_staff_may_not_create_applications(client_for, recruiter):
    response = client_for(recruiter).post(URL, PROFILE, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not Application.objects.exists()


def test_it_uploads_submits_and_shows_findings(client_for, merchant_user, django_capture_on_commit_callbacks):
    client = client_for(merchant_user)
    application_id = client.post(URL, PROFILE, format="json").json()["id"]
    for kind in ("business_licence", "legal_rep_id"):
        response = client.post(
            f"{URL}{application_id}/documents/",
            {"kind": kind, "file": upload(), "number": "123", "valid_until": "2030-01-01"},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{application_id}/submit/")
        # Changed before the check runs, behind the pre-check: the check sends it back.
        behind_the_precheck(Application.objects.get(pk=application_id), address="")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    body = client.get(f"{URL}{application_id}/").json()
    assert body["status"] == "needs_changes"
    assert [(f["code"], f["blocking"]) for f in body["findings"]] == [("address_missing", True)]
    assert body["findings"][0]["message"] == "未填写经营地址。"


def test_findings_read_in_the_callers_language(client_for, make_application):
    application = make_application("documents")
    from merchants.services import application_run_system_check, application_submit

    application_submit(application=application, user=application.merchant.user)
    behind_the_precheck(application, legal_rep_id_number="")
    application_run_system_check(application_id=application.pk)
    client = client_for(application.merchant.user)
    english = client.get(f"{URL}{application.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["findings"]
    assert english[0]["message"] == "The legal representative's ID number is missing."


def test_it_refuses_a_png_over_10_mb(client_for, merchant_user):
    client = client_for(merchant_user)
    application_id = client.post(URL, PROFILE, format="json").json()["id"]
    from merchants.samples import png_bytes

    big = png_bytes() + b"\0" * (10 * 1024 * 1024 + 1 - len(png_bytes()))
    response = client.post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": upload(content=big)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_it_detects_the_type_from_the_content(client_for, merchant_user):
    client = client_for(merchant_user)
    application_id = client.post(URL, PROFILE, format="json").json()["id"]
    response = client.post(
        f"{URL}{application_id}/documents/",
        {"kind": DocumentKind.BUSINESS_LICENCE, "file": upload(name="licence.pdf", content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


def test_other_merchants_get_404(client_for, make_application, other_merchant_user):
    application = make_application()
    client = client_for(other_merchant_user)
    for response in (client.get(f"{URL}{application.pk}/"), client.post(f"{URL}{application.pk}/submit/")):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert application.company_name not in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_full_flow_through_the_api(
    client_for, make_application, merchant_user, recruiter, recruitment_head, django_capture_on_commit_callbacks
):
    application = make_application(ApplicationStatus.IN_REVIEW, category="dining_entertainment")
    staff = client_for(recruiter)
    head = client_for(recruitment_head)
    response = head.post(f"{URL}{application.pk}/approve/")
    assert response.status_code == 409 and response.json()["detail"]
    evaluation = staff.post(
        f"{URL}{application.pk}/evaluation/",
        {
            "brand": 3,
            "decoration": "chain_style",
            "area_sqm": "900",
            "registered_capital": "2000000",
            "staff_count": 85,
            "years_in_business": "5",
            "frequency": "high",
        },
        format="json",
    )
    assert evaluation.status_code == 201
    assert (evaluation.json()["score"], evaluation.json()["merchant_class"]) == ("13.70", "II")
    response = head.post(f"{URL}{application.pk}/approve/")
    assert response.status_code == 409
    assert "site visit" in response.json()["detail"] or "实地" in response.json()["detail"]
    response = staff.post(
        f"{URL}{application.pk}/site-visit/",
        {"visited_on": "2026-01-05", "notes": "门店整洁", "media": [upload(name="p.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    refused = staff.post(f"{URL}{application.pk}/approve/")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    response = head.post(f"{URL}{application.pk}/approve/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "contract_sent"
    merchant = client_for(merchant_user)
    pdf = merchant.get(f"{URL}{application.pk}/contract.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    no_consent = merchant.post(f"{URL}{application.pk}/sign/", {"signer_name": "徐明", "consent": False}, format="json")
    assert no_consent.status_code == 400 and "consent" in no_consent.json()
    by_staff = head.post(f"{URL}{application.pk}/sign/", {"signer_name": "张", "consent": True}, format="json")
    assert (by_staff.status_code, by_staff.json()["code"]) == (403, "permission_denied")
    response = merchant.post(
        f"{URL}{application.pk}/sign/", {"signer_name": "徐明", "consent": True}, format="json", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "signed"
    assert body["contract"]["signer_ip"] == "10.1.2.3"
    assert len(body["contract"]["signed_sha256"]) == 64


def test_one_application_at_a_time(client_for, merchant_user):
    client = client_for(merchant_user)
    first = client.post(URL, PROFILE, format="json").json()
    response = client.post(URL, PROFILE, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "application_in_progress"
    client.post(f"{URL}{first['id']}/withdraw/", {}, format="json")
    again = client.post(URL, {**PROFILE, "company_name": "新名称"}, format="json").json()
    assert again["merchant"] == first["merchant"]
    assert Application.objects.get(pk=again["id"]).merchant.name == "新名称"


def test_exactly_10_mb_is_accepted(client_for, merchant_user):
    client = client_for(merchant_user)
    application_id = client.post(URL, PROFILE, format="json").json()["id"]
    from merchants.samples import png_bytes

    exact = png_bytes() + b"\0" * (10 * 1024 * 1024 - len(png_bytes()))
    response = client.post(
        f"{URL}{application_id}/documents/", {"kind": "legal_rep_id", "file": upload(content=exact)}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["size"] == 10 * 1024 * 1024


def test_an_empty_or_fake_file_is_refused(client_for, merchant_user):
    client = client_for(merchant_user)
    application_id = client.post(URL, PROFILE, format="json").json()["id"]
    fake = upload(name="licence.pdf", content=b"not really a pdf", content_type="application/pdf")
    response = client.post(
        f"{URL}{application_id}/documents/", {"kind": "legal_rep_id", "file": fake}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()
    response = client.post(
        f"{URL}{application_id}/documents/", {"kind": "passport", "file": upload()}, format="multipart"
    )
    assert response.status_code == 400 and "kind" in response.json()
    response = client.post(f"{URL}{application_id}/documents/", {"kind": "legal_rep_id"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_the_merchant_removes_a_document(client_for, make_application, merchant_user):
    application = make_application("documents")
    document = application.documents.first()
    client = client_for(merchant_user)
    response = client.delete(f"{URL}{application.pk}/documents/{document.pk}/")
    assert (response.status_code, response.content) == (204, b"")
    assert not application.documents.filter(pk=document.pk).exists()
    body = client.get(f"{URL}{application.pk}/").json()
    assert body["missing_documents"] == [document.kind]
