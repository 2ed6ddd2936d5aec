"""The staff pages: the live calculator, the evaluation list, detail and PDF sheet."""

import datetime as dt

import pytest
from django.test import Client

from scoring.models import Evaluation
from tests.factories.scoring import WORKED_EXAMPLE, ScoringMerchantFactory, make_evaluation
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

CALCULATOR = "/scoring/calculator/"
FORBIDDEN = "您没有执行该操作的权限。"
NOT_FOUND = "未找到。"
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
    response = browser(merchant_user).get(CALCULATOR)
    assert response.status_code == 403
    assert FORBIDDEN in response.content.decode() and b'id="calculator-form"' not in response.content


def test_anonymous_users_are_sent_to_log_in():
    response = browser().get(CALCULATOR)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_works_without_javascript(recruiter):
    response = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "action": "calculate"})
    assert response.status_code == 200
    assert b'<span id="score" class="num">13.70</span>' in response.content
    assert 'data-class="II">二类<' in response.content.decode()
    assert b"<html" in response.content


def test_it_answers_htmx_with_the_result_only(recruiter):
    response = browser(recruiter).post(CALCULATOR, WORKED_EXAMPLE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"13.70" in response.content
    assert b'data-item="frequency">8.00<' in response.content


def test_it_shows_the_error_beside_the_field_at_fault(recruiter):
    response = browser(recruiter).post(
        CALCULATOR, {**WORKED_EXAMPLE, "area_sqm": "-5"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="invalid-feedback d-block field-error" id="error-area_sqm" hx-swap-oob="true">'
        "Ensure this value is greater than or equal to 0.</div>"
    ) in content
    assert 'id="error-brand" hx-swap-oob="true"></div>' in content


def test_a_bad_value_clears_the_score_but_keeps_the_valid_items(recruiter):
    response = browser(recruiter).post(
        CALCULATOR, {**WORKED_EXAMPLE, "staff_count": "many"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert '<span id="score" class="num" data-stale="true">—</span>' in content
    assert "13.70" not in content
    assert 'id="merchant-class"' not in content
    assert 'data-item="staff_count">—<' in content
    assert 'data-item="frequency">8.00<' in content
    assert 'id="error-staff_count" hx-swap-oob="true">A valid integer is required.</div>' in content


def test_each_item_shows_as_soon_as_its_field_is_valid(recruiter):
    response = browser(recruiter).post(
        CALCULATOR, {"brand": "3", "area_sqm": "900", "category": ""}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert 'data-item="brand">3.00<' in content
    assert 'data-item="area_sqm">1.00<' in content
    assert 'data-item="decoration">—<' in content
    # While typing, fields not filled in yet are listed, not marked as errors.
    assert 'id="error-decoration" hx-swap-oob="true"></div>' in content
    assert 'id="error-category" hx-swap-oob="true"></div>' in content
    assert 'id="rating-missing">Still to fill in: Decoration, Registered capital (yuan), Staff count' in content
    assert 'data-stale="true"' in content


def test_the_form_leaves_validation_to_the_server(recruiter):
    content = browser(recruiter).get(CALCULATOR).content.decode()
    assert (
        '<form method="post" action="/scoring/calculator/" id="calculator-form" class="card card-body" novalidate'
        in (content)
    )
    assert " required" not in content


def test_save_with_fields_missing_says_so_beside_each(recruiter, merchant):
    response = browser(recruiter).post(
        CALCULATOR,
        {"merchant": merchant.pk, "brand": "9", "action": "save"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert not Evaluation.objects.exists()
    assert 'id="error-brand">Brand must be a whole number from 1 to 5.</div>' in content
    assert 'id="error-decoration">This field is required.</div>' in content
    assert 'id="error-area_sqm">This field is required.</div>' in content
    # The merchant's category was filled in for it.
    assert '<option value="dining_entertainment" selected>' in content
    assert 'id="error-category"></div>' in content


def test_save_for_a_category_other_than_the_merchants_says_so_beside_it(recruiter, merchant):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "merchant": merchant.pk, "action": "save"}
    response = browser(recruiter).post(CALCULATOR, body, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert not Evaluation.objects.exists()
    assert 'id="error-category">The category must be the merchant&#x27;s own category' in content
    assert 'data-stale="true"' in content


def test_choosing_a_merchant_fills_in_its_category(recruiter, merchant):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "merchant": merchant.pk, "filled_from": ""}
    content = browser(recruiter).post(CALCULATOR, body, HTTP_HX_REQUEST="true").content.decode()
    assert '<div class="col-sm-6 calc-field" id="field-category" hx-swap-oob="true">' in content
    assert '<option value="dining_entertainment" selected>' in content
    assert f'<input type="hidden" name="filled_from" value="{merchant.pk}">' in content
    assert '<span id="score" class="num">13.70</span>' in content


def test_a_category_changed_after_choosing_the_merchant_stays(recruiter, merchant):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "merchant": merchant.pk, "filled_from": str(merchant.pk)}
    content = browser(recruiter).post(CALCULATOR, body, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="field-category"' not in content
    assert '<span id="score" class="num">13.70</span>' in content


def test_a_large_supermarket_shows_class_i(recruiter):
    body = {**WORKED_EXAMPLE, "category": "supermarket", "large_or_chain": "on"}
    response = browser(recruiter).post(CALCULATOR, body, HTTP_HX_REQUEST="true")
    assert 'id="merchant-class" data-class="I">一类<' in response.content.decode()


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
    response = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "action": "save"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'id="error-merchant">Choose a merchant to save the evaluation for.</div>' in response.content.decode()
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
    response = browser(recruiter).post(CALCULATOR, body)
    assert response.status_code == 200
    assert b'id="calculator-form"' in response.content and b'id="rating-errors"' in response.content
    assert not Evaluation.objects.exists()


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
        response = browser(user).get(f"/scoring/evaluations/{evaluation.pk}/{suffix}")
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode() and evaluation.merchant.name not in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "sheet.pdf"])
def test_merchants_get_403(merchant_user, other_merchant_user, evaluation, suffix):
    for user in (merchant_user, other_merchant_user):
        response = browser(user).get(f"/scoring/evaluations/{evaluation.pk}/{suffix}")
        assert response.status_code == 403
        assert FORBIDDEN in response.content.decode() and evaluation.merchant.name not in response.content.decode()


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
    response = browser(user).get(f"/scoring/evaluations/{evaluation.pk}/")
    assert response.status_code == 200
    assert evaluation.merchant.name in response.content.decode() and "13.70" in response.content.decode()


def test_the_sheet_is_a_pdf_with_the_merchant_name(recruiter, evaluation):
    response = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
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
    # Session, user, roles, unread notifications, the count and the page of evaluations.
    queries.assert_constant(lambda: client.get("/scoring/evaluations/"), grow, expected=6)


def test_the_calculator_runs_a_constant_number_of_queries(queries, recruiter, department):
    client = browser(recruiter)
    client.get(CALCULATOR)  # the rule set in force is read once, then served from the cache
    # Session, user, roles, unread notifications, the merchants to pick from.
    queries.assert_constant(
        lambda: client.get(CALCULATOR),
        lambda: ScoringMerchantFactory(recruiter=recruiter, department=department),
        expected=5,
    )


def test_the_navigation_offers_the_calculator_to_staff(recruiter, merchant_user):
    from workplace.navigation import navigation_for

    assert CALCULATOR in [item["url"] for item in navigation_for(recruiter)]
    assert CALCULATOR not in [item["url"] for item in navigation_for(merchant_user)]


def test_without_a_rule_set_in_force_the_calculator_says_so(recruiter):
    from scoring.models import ScoringRuleSet

    ScoringRuleSet.objects.all().delete()
    response = browser(recruiter).get(CALCULATOR)
    assert response.status_code == 503
    content = response.content.decode()
    assert "星级评估规则" in content and dt.date.today().isoformat() in content
    assert 'id="calculator-form"' not in content


def test_the_class_reads_the_same_on_every_page(recruiter, merchant, evaluation):
    calculator = browser(recruiter).post(CALCULATOR, {**WORKED_EXAMPLE, "action": "calculate"}).content.decode()
    detail = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/").content.decode()
    listing = browser(recruiter).get("/scoring/evaluations/").content.decode()
    for content in (calculator, detail, listing):
        assert "二类" in content
        assert "类别 II" not in content and ">II<" not in content


def test_a_large_or_chain_supermarket_has_one_name(recruiter, department):
    merchant = ScoringMerchantFactory(recruiter=recruiter, department=department, category="supermarket")
    evaluation = make_evaluation(merchant=merchant, evaluator=recruiter, category="supermarket", large_or_chain=True)
    detail = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/").content.decode()
    calculator = browser(recruiter).get(CALCULATOR).content.decode()
    assert "大型或连锁超市" in detail and "大型或连锁超市" in calculator
    assert "大型或连锁店" not in detail + calculator
    assert "一类" in detail


def test_the_initial_rule_set_is_not_dated_2000(recruiter, evaluation):
    for path in (CALCULATOR, f"/scoring/evaluations/{evaluation.pk}/"):
        content = browser(recruiter).get(path).content.decode()
        assert "初始规则，最早生效" in content, path
        assert "2000-01-01" not in content, path


def test_a_later_rule_set_says_since_when(default_rule_set):
    import datetime as dt

    default_rule_set.effective_from = dt.date(2027, 3, 1)
    assert str(default_rule_set).endswith("(自 2027-03-01 起生效)")


def test_the_evaluation_leads_back_to_its_application(recruiter, merchant, evaluation):
    from tests.factories.merchants import ApplicationFactory

    application = ApplicationFactory(merchant=merchant, company_name="阜阳颍州超市有限公司")
    content = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/").content.decode()
    assert f'<a href="/portal/review/{application.pk}/" id="back-to-application">阜阳颍州超市有限公司</a>' in content


def test_without_an_application_in_sight_the_evaluation_leads_back_to_the_list(recruiter, evaluation):
    content = browser(recruiter).get(f"/scoring/evaluations/{evaluation.pk}/").content.decode()
    assert '<a href="/scoring/evaluations/" id="back-to-list">' in content
