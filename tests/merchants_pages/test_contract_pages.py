import pytest
from django.urls import reverse

from merchants.models import ApplicationStatus, MerchantStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(make_application, merchant_user, recruitment_head, recruiter):
    return make_application(
        merchant_user, status=ApplicationStatus.CONTRACT_SENT, head=recruitment_head, assignee=recruiter
    )


FORBIDDEN = "您没有执行该操作的权限。"
NOT_FOUND = "未找到。"


def contract_url(application):
    return reverse("merchants:contract", args=[application.pk])


def test_the_merchant_reads_its_contract(page_client, merchant_user, sent):
    response = page_client(merchant_user).get(contract_url(sent))
    assert response.status_code == 200
    assert response.context["can_sign"]
    assert reverse("merchants:contract_pdf", args=[sent.pk]).encode() in response.content


def test_the_dashboard_links_to_the_contract(page_client, merchant_user, sent):
    assert contract_url(sent).encode() in page_client(merchant_user).get(reverse("merchants:portal")).content


def test_the_contract_pdf_is_served_to_the_merchant(page_client, merchant_user, sent):
    response = page_client(merchant_user).get(reverse("merchants:contract_pdf", args=[sent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_it_signs_with_typed_name_and_consent(page_client, merchant_user, sent):
    response = page_client(merchant_user).post(
        contract_url(sent), {"signer_name": "张三", "consent": "on"}, REMOTE_ADDR="10.1.2.3"
    )
    assert (response.status_code, response["Location"]) == (302, contract_url(sent))
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.SIGNED
    assert sent.merchant.status == MerchantStatus.ACTIVE
    contract = sent.contract
    assert (contract.signer_name, contract.signer_ip) == ("张三", "10.1.2.3")


def test_the_signed_contract_is_downloadable(page_client, merchant_user, sent):
    client = page_client(merchant_user)
    client.post(contract_url(sent), {"signer_name": "张三", "consent": "on"})
    page = client.get(contract_url(sent))
    assert b'id="signed-pdf"' in page.content and b'id="merchant-active"' in page.content
    response = client.get(reverse("merchants:contract_pdf", args=[sent.pk]), {"signed": "1", "download": "1"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_signing_needs_consent_in_english(page_client, merchant_user, sent):
    response = page_client(merchant_user).post(contract_url(sent), {"signer_name": "张三"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors["consent"] == ["You must agree to the terms to sign."]
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.CONTRACT_SENT


def test_signing_needs_a_name_in_chinese(page_client, merchant_user, sent):
    response = page_client(merchant_user).post(contract_url(sent), {"signer_name": "", "consent": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["signer_name"] == ["该字段是必填项。"]


def test_signing_is_csrf_protected(page_client, merchant_user, sent):
    response = page_client(merchant_user, enforce_csrf=True).post(
        contract_url(sent), {"signer_name": "张三", "consent": "on"}
    )
    assert response.status_code == 403 and "CSRF验证失败" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.CONTRACT_SENT


def test_another_merchant_cannot_see_or_sign_it(page_client, other_merchant_user, sent):
    client = page_client(other_merchant_user)
    for response in (
        client.get(contract_url(sent)),
        client.post(contract_url(sent), {"signer_name": "李四", "consent": "on"}),
        client.get(reverse("merchants:contract_pdf", args=[sent.pk])),
    ):
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode() and sent.company_name not in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.CONTRACT_SENT


def test_staff_who_see_the_application_get_the_pdf(page_client, recruiter, outside_head, sent):
    pdf_url = reverse("merchants:contract_pdf", args=[sent.pk])
    served = page_client(recruiter).get(pdf_url)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    hidden = page_client(outside_head).get(pdf_url)
    assert hidden.status_code == 404 and NOT_FOUND in hidden.content.decode()


def test_there_is_no_contract_before_approval(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(merchant_user).get(contract_url(application))
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_a_second_signature_is_not_offered(page_client, merchant_user, make_application, recruitment_head, recruiter):
    signed = make_application(merchant_user, status=ApplicationStatus.SIGNED, head=recruitment_head, assignee=recruiter)
    response = page_client(merchant_user).get(contract_url(signed))
    assert not response.context["can_sign"]
    assert b'id="sign-form"' not in response.content
