"""The staff pages: the live calculator, the evaluation list, detail and PDF sheet."""

import shutil
import subprocess

import pytest
from django.test import Client

from scoring.models import Evaluation
from tests.factories.scoring import WORKED_EXAMPLE, ScoringMerchantFactory, make_evaluation

pytestmark = pytest.mark.django_db

CALCULATOR = "/scoring/calculator/"
STAFF_ROLES = [
    "recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "customer_service",
    "dept_head",
    "admin_user",
    "second_recruiter",
    "outside_recruiter",
    "outside_head",
]


def browser(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def merchant(recruiter, department):
    return ScoringMerchantFactory(name="阜阳颍州超市", recruiter=recruiter, department=department)


@pytest.fixture
def evaluation(merchant, recruiter):
    return make_evaluation(merchant=merchant, evaluator=recruiter)


@pytest.mark.parametrize("role_fixture", STAFF_ROLES)
def test_every_staff_role_may_open_the_calculator(request, role_fixture):
    response = browser(request.getfixturevalue(role_fixture)).get(CALCULATOR)
    assert response.status_code == 200
    assert b'id="calculator-form"' in response.content


def test_merchants_may_not_open_the_calculator(merchant_user):
    assert browser(merchant_user).get(CALCULATOR).status_code == 403


def test_anonymous_users_are_sent_to_log_in():
    response = browser().get(CALCULATOR)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_works_without_javascript(recruiter):
    response = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "action": "calculate"})
    assert response.status_code == 200
    assert b'<span id="score" class="num">13.70</span>' in response.content
    assert b'id="merchant-class">II<' in response.content
    assert b"<html" in response.content


def test_it_answers_htmx_with_the_result_only(recruiter):
    response = browser(recruiter).post(CALCULATOR, WORKED_EXAMPLE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"13.70" in response.content
    assert b'data-item="frequency">8.00<' in response.content


def test_it_shows_the_fields_at_fault(recruiter):
    response = browser(recruiter).post(
        CALCULATOR, {**WORKED_EXAMPLE, "area_sqm": "-5"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert b"<code>area_sqm</code>" in response.content
    assert b'id="score"' not in response.content


def test_a_large_supermarket_shows_class_i(recruiter):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "large_or_chain": "on"}
    response = browser(recruiter).post(CALCULATOR, body, HTTP_HX_REQUEST="true")
    assert b'id="merchant-class">I<' in response.content


def test_it_prefills_the_merchant_and_its_category(recruiter, merchant):
    response = browser(recruiter).get(CALCULATOR, {"merchant": merchant.pk})
    assert f'<option value="{merchant.pk}" selected>'.encode() in response.content
    assert b'<option value="dining_entertainment" selected>' in response.content


def test_it_saves_an_evaluation_and_shows_it(recruiter, merchant):
    response = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "merchant": merchant.pk, "action": "save"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/scoring/evaluations/{evaluation.pk}/"
    assert (evaluation.merchant, evaluation.evaluator, str(evaluation.score)) == (merchant, recruiter, "13.70")


def test_it_does_not_save_without_a_merchant(recruiter):
    response = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "action": "save"})
    assert response.status_code == 200
    assert not Evaluation.objects.exists()


def test_it_does_not_save_for_a_merchant_out_of_sight(outside_recruiter, merchant):
    browser(outside_recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "merchant": merchant.pk, "action": "save"})
    assert not Evaluation.objects.exists()


def test_customer_service_only_calculates(customer_service, merchant):
    client = browser(customer_service)
    assert b'value="save"' not in client.get(CALCULATOR).content
    response = client.post(CALCULATOR, {**WORKED_EXAMPLE, "merchant": merchant.pk, "action": "save"})
    assert response.status_code == 200
    assert b'<span id="score" class="num">13.70</span>' in response.content
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("junk", ["", "abc", "-1", "1e999", "999999999999999999999999"])
def test_it_never_fails_on_junk(recruiter, junk):
    body = {field: junk for field in WORKED_EXAMPLE} | {"merchant": junk, "action": "save"}
    assert browser(recruiter).post(CALCULATOR, body).status_code == 200


def test_the_detail_shows_the_evaluation_and_its_versions(recruiter, merchant, evaluation):
    older = evaluation
    newer = make_evaluation(merchant=merchant, evaluator=recruiter, brand=1)
    response = browser(recruiter).get(f"/scoring/evaluations/{older.pk}/")
    assert response.status_code == 200
    assert "阜阳颍州超市" in response.content.decode()
    assert f"/scoring/evaluations/{newer.pk}/".encode() in response.content


@pytest.mark.parametrize("suffix", ["", "sheet.pdf"])
def test_outsiders_get_404(outside_recruiter, outside_head, second_recruiter, dept_head, evaluation, suffix):
    for user in (outside_recruiter, outside_head, second_recruiter, dept_head):
        assert browser(user).get(f"/scoring/evaluations/{evaluation.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "sheet.pdf"])
def test_merchants_get_403(merchant_user, other_merchant_user, evaluation, suffix):
    for user in (merchant_user, other_merchant_user):
        assert browser(user).get(f"/scoring/evaluations/{evaluation.pk}/{suffix}").status_code == 403


@pytest.mark.parametrize("suffix", ["", "sheet.pdf"])
def test_anonymous_users_are_sent_to_log_in_from_an_evaluation(evaluation, suffix):
    response = browser().get(f"/scoring/evaluations/{evaluation.pk}/{suffix}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "role_fixture",
    ["recruiter", "recruitment_head", "ops_director", "general_manager", "customer_service", "admin_user"],
)
def test_those_who_see_the_merchant_see_the_detail(request, evaluation, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert browser(user).get(f"/scoring/evaluations/{evaluation.pk}/").status_code == 200


def test_the_sheet_is_a_pdf_with_the_merchant_name(recruiter, evaluation):
    response = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "阜阳颍州超市" in text
        assert "13.70" in text
        assert "星级评估表" in text


def test_the_list_shows_only_what_the_user_may_see(recruiter, evaluation, outside_recruiter, other_department):
    outside = ScoringMerchantFactory(name="外部商户", recruiter=outside_recruiter, department=other_department)
    make_evaluation(merchant=outside, evaluator=outside_recruiter)
    content = browser(recruiter).get("/scoring/evaluations/").content.decode()
    assert "阜阳颍州超市" in content
    assert "外部商户" not in content


def test_the_list_runs_a_constant_number_of_queries(queries, recruiter, department):
    client = browser(recruiter)

    def grow():
        merchant = ScoringMerchantFactory(recruiter=recruiter, department=department)
        make_evaluation(merchant=merchant, evaluator=recruiter)

    grow()
    queries.assert_constant(lambda: client.get("/scoring/evaluations/"), grow)


def test_the_calculator_runs_a_constant_number_of_queries(queries, recruiter, department):
    client = browser(recruiter)
    queries.assert_constant(
        lambda: client.get(CALCULATOR),
        lambda: ScoringMerchantFactory(recruiter=recruiter, department=department),
    )


def test_the_navigation_offers_the_calculator_to_staff(recruiter, merchant_user):
    from workplace.navigation import navigation_for

    assert CALCULATOR in [item["url"] for item in navigation_for(recruiter)]
    assert CALCULATOR not in [item["url"] for item in navigation_for(merchant_user)]


def test_without_a_rule_set_in_force_the_calculator_says_so(recruiter):
    from scoring.models import ScoringRuleSet

    ScoringRuleSet.objects.all().delete()
    assert browser(recruiter).get(CALCULATOR).status_code == 503
