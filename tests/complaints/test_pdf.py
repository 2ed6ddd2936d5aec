"""The four paper forms as PDF: each renders with its Chinese title, the merchant's copy
leaves out the internal fields, and the API answers them scoped like the detail."""

import pytest
from django.test import Client

from complaints import pdf
from complaints.models import ComplaintStatus
from tests.factories.complaints import make_complaint
from tests.factories.workplace import UserFactory
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db
S = ComplaintStatus
TITLES = {
    "investigation": "商户投诉调查表",
    "transfer-slip": "客户投诉传递单",
    "opinion": "商户意见表",
    "survey": "客户满意度调查表",
}


def text_of(content: bytes) -> str:
    # Skipped without pdftotext only where it is not required (tests/pdf_text.py).
    return pdf_text(content, layout=True)


@pytest.fixture
def closed(customer_service, merchant_a, person):
    return make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=person, type="product_quality")


def test_there_are_the_four_forms_of_the_procedure():
    assert {slug: form.paper_title for slug, form in pdf.FORMS.items()} == TITLES


@pytest.mark.parametrize("slug", list(TITLES))
def test_each_form_renders_with_its_chinese_title(closed, slug):
    content = pdf.complaint_form_pdf(closed, slug, merchant_copy=False, language="zh-hans")
    assert content.startswith(b"%PDF")
    text = text_of(content)
    assert TITLES[slug] in text.replace(" ", "")
    assert closed.number in text


def test_the_english_form_keeps_the_chinese_title_and_adds_its_own(closed):
    text = text_of(pdf.complaint_form_pdf(closed, "survey", merchant_copy=False, language="en"))
    assert "客户满意度调查表" in text.replace(" ", "") and "Customer satisfaction survey" in text


def test_the_survey_lists_both_visits_a_product_complaint_needs(closed):
    (section,) = pdf.form_context(closed, "survey", merchant_copy=False)["sections"]
    assert [row["visit"] for row in section["visit_rows"]] == list(closed.visits.order_by("at", "id"))
    assert len(section["visit_rows"]) == 2 and section["result"] == "closed"


def test_a_blank_survey_has_a_line_for_each_visit_required(customer_service, merchant_a, person):
    follow_up = make_complaint(
        S.FOLLOW_UP, cs=customer_service, merchant=merchant_a, person=person, type="product_quality"
    )
    (section,) = pdf.form_context(follow_up, "survey", merchant_copy=False)["sections"]
    assert [row["visit"] for row in section["visit_rows"]] == [None, None]


@pytest.mark.parametrize("slug", ["investigation", "transfer-slip"])
def test_the_merchants_copy_leaves_out_the_responsible_person_and_the_findings(closed, person, slug):
    staff = text_of(pdf.complaint_form_pdf(closed, slug, merchant_copy=False, language="zh-hans")).replace(" ", "")
    merchant = text_of(pdf.complaint_form_pdf(closed, slug, merchant_copy=True, language="zh-hans")).replace(" ", "")
    name = person.get_full_name().replace(" ", "")
    assert name in staff and name not in merchant
    assert "经核实属实" in staff and "经核实属实" not in merchant


def test_a_form_before_its_step_prints_blank(customer_service, merchant_a):
    fresh = make_complaint(S.RECEIVED, cs=customer_service, merchant=merchant_a)
    text = text_of(pdf.complaint_form_pdf(fresh, "survey", merchant_copy=False, language="zh-hans"))
    assert "客户满意度调查表" in text.replace(" ", "")


# --- the API and the page ------------------------------------------------------------


def api_get(client_for, user, complaint, slug, **headers):
    return client_for(user).get(f"/api/v1/complaints/{complaint.pk}/forms/{slug}.pdf", **headers)


@pytest.mark.parametrize("role", ["customer_service", "dept_head", "person", "ops_director", "merchant_user"])
def test_the_api_answers_the_form_to_who_sees_the_complaint(request, client_for, closed, role):
    response = api_get(
        client_for, request.getfixturevalue(role), closed, "transfer-slip", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["other_merchant_user", "outside_recruiter"])
def test_the_api_answers_404_outside_the_scope(request, client_for, closed, merchant_b, role):
    response = api_get(client_for, request.getfixturevalue(role), closed, "investigation")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_the_api_answers_404_to_a_user_without_a_role(client_for, closed):
    response = api_get(client_for, UserFactory(), closed, "opinion")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_api_answers_404_for_an_unknown_form(client_for, closed, customer_service):
    response = api_get(client_for, customer_service, closed, "receipt")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_api_needs_a_signed_in_user(api_client, closed):
    response = api_client.get(f"/api/v1/complaints/{closed.pk}/forms/survey.pdf")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_the_schema_documents_the_form_as_pdf(api_client, customer_service):
    api_client.force_authenticate(customer_service)
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/complaints/{id}/forms/{form}.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]


def test_the_merchant_gets_its_copy_from_the_page(closed, merchant_user, person):
    client = Client()
    client.force_login(merchant_user)
    response = client.get(f"/complaints/{closed.pk}/forms/transfer-slip.pdf")
    assert response.status_code == 200
    assert person.get_full_name().replace(" ", "") not in text_of(response.content).replace(" ", "")


def test_the_complaint_page_links_the_four_forms(closed, customer_service):
    client = Client()
    client.force_login(customer_service)
    page = client.get(f"/complaints/{closed.pk}/").content.decode()
    for slug in TITLES:
        assert f'href="/complaints/{closed.pk}/forms/{slug}.pdf"' in page
