"""Complaint attachments pass the same inspection as certificates (issue 13): a polyglot or
a scripted PDF is a 400 naming the file, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints.models import Attachment
from merchants.samples import jpeg_bytes, pdf_bytes
from tests.factories.complaints import make_complaint
from tests.merchants.test_upload_attacks import ATTACKS

pytestmark = pytest.mark.django_db


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    "attack", ["pdf_html_polyglot", "pdf_open_action_script", "jpeg_then_html", "png_50000_square"]
)
def test_an_attack_attachment_is_refused_and_nothing_is_stored(
    attack, frozen, customer_service, merchant_user, merchant_a, settings
):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    name, content, _code = ATTACKS[attack]
    response = client(merchant_user).post(
        f"/api/v1/complaints/{complaint.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="image/png")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json(), response.content
    assert not Attachment.objects.exists()
    root = settings.MEDIA_ROOT
    assert not root.exists() or not [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "suffix"), [("receipt.html", jpeg_bytes(), ".jpg"), ("../x.exe", pdf_bytes(), ".pdf")]
)
def test_an_attachment_is_stored_under_its_detected_type(
    name, content, suffix, frozen, customer_service, merchant_user, merchant_a
):
    complaint = make_complaint(cs=customer_service, merchant=merchant_a)
    response = client(merchant_user).post(
        f"/api/v1/complaints/{complaint.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="image/png")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("private/complaints/attachments/")
    assert attachment.file.name.endswith(suffix)
    assert "/" not in attachment.original_name
