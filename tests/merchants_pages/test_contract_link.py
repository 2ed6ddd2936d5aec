"""The portal's "read the contract" link serves the draft before signing and the signed
PDF (signature block: signer, time, IP) after."""

import hashlib
import shutil
import subprocess

import pytest
from django.urls import reverse

from merchants.models import ApplicationStatus

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")


def read_link(client, application):
    """Follow the link the contract page shows as "read the contract"."""
    page = client.get(reverse("merchants:contract", args=[application.pk]))
    assert page.status_code == 200
    url = reverse("merchants:contract_pdf", args=[application.pk])
    assert f'href="{url}"'.encode() in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return page, b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def signed(make_application, merchant_user, recruitment_head, recruiter):
    return make_application(merchant_user, status=ApplicationStatus.SIGNED, head=recruitment_head, assignee=recruiter)


@pytest.fixture
def sent(make_application, merchant_user, recruitment_head, recruiter):
    return make_application(
        merchant_user, status=ApplicationStatus.CONTRACT_SENT, head=recruitment_head, assignee=recruiter
    )


def test_it_serves_the_draft_before_signing(page_client, merchant_user, sent):
    page, content = read_link(page_client(merchant_user), sent)
    assert hashlib.sha256(content).hexdigest() == sent.contract.rendered_sha256
    assert "阅读合同" in page.content.decode()


def test_it_serves_the_signed_pdf_once_signed(page_client, merchant_user, signed):
    page, content = read_link(page_client(merchant_user), signed)
    contract = signed.contract
    assert hashlib.sha256(content).hexdigest() == contract.signed_sha256 != contract.rendered_sha256
    assert "阅读已签署的合同" in page.content.decode()


def test_the_link_reads_in_english_once_signed(page_client, merchant_user, signed):
    page = page_client(merchant_user).get(reverse("merchants:contract", args=[signed.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Read the signed contract (PDF)" in page.content.decode()


def test_the_draft_stays_available_on_request(page_client, merchant_user, signed):
    response = page_client(merchant_user).get(reverse("merchants:contract_pdf", args=[signed.pk]), {"signed": "0"})
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == signed.contract.rendered_sha256


def test_the_signed_pdf_is_not_there_before_signing(page_client, merchant_user, sent):
    response = page_client(merchant_user).get(reverse("merchants:contract_pdf", args=[sent.pk]), {"signed": "1"})
    assert response.status_code == 404
    assert "application/pdf" not in response.get("Content-Type", "")


@needs_pdftotext
def test_the_signed_pdf_carries_the_signature_block(page_client, merchant_user, signed):
    client = page_client(merchant_user)
    draft = client.get(reverse("merchants:contract_pdf", args=[signed.pk]), {"signed": "0"})
    assert "127.0.0.1" not in pdf_text(b"".join(draft.streaming_content))
    _page, content = read_link(client, signed)
    text = pdf_text(content)
    assert "电子签名" in text and "张三" in text and "127.0.0.1" in text
