import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 - Chromium setup
from tests.factories.scoring import ScoringMerchantFactory
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_score_updates_as_the_evaluator_types(page, live_server, recruiter):
    _sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/scoring/calculator/")
    page.select_option("#id_category", "dining_entertainment")
    page.select_option("#id_brand", "3")
    page.select_option("#id_decoration", "chain_style")
    page.fill("#id_area_sqm", "900")
    page.fill("#id_registered_capital", "2000000")
    page.fill("#id_staff_count", "85")
    page.fill("#id_years_in_business", "5")
    page.select_option("#id_frequency", "high")
    page.wait_for_selector("#score:text('13.70')")
    assert page.text_content("#merchant-class") == "二类"
    # Nothing was submitted: the page itself never reloaded.
    assert page.url.endswith("/scoring/calculator/")

    page.select_option("#id_category", "supermarket")
    page.check("#id_large_or_chain")
    page.wait_for_selector("#merchant-class[data-class='I']")


def test_each_field_answers_on_its_own(page, live_server, recruiter, department):
    merchant = ScoringMerchantFactory(name="颍州小吃", recruiter=recruiter, department=department)
    _sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/scoring/calculator/")

    # One field is enough to see its points; the others are not marked yet.
    page.select_option("#id_brand", "4")
    page.wait_for_selector("td[data-item='brand']:text('4.00')")
    assert page.text_content("#error-decoration") == ""

    # Choosing the merchant fills in its category.
    page.select_option("#id_merchant", str(merchant.pk))
    # (expect, not wait_for_function: the page's CSP forbids evaluating strings.)
    expect(page.locator("#id_category")).to_have_value("dining_entertainment")

    for selector, value in [("#id_decoration", "chain_style"), ("#id_frequency", "high")]:
        page.select_option(selector, value)
    for selector, value in [
        ("#id_area_sqm", "900"),
        ("#id_registered_capital", "2000000"),
        ("#id_staff_count", "85"),
        ("#id_years_in_business", "5"),
    ]:
        page.fill(selector, value)
    page.wait_for_selector("#score:text('14.70')")

    # A bad value: the error beside the field, and no stale score.
    page.fill("#id_area_sqm", "-5")
    page.wait_for_selector("#error-area_sqm:not(:empty)")
    page.wait_for_selector("#score[data-stale]")
    assert "14.70" not in page.text_content("#result")

    # Save refuses with the errors on the page, not silently.
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.text_content("#error-area_sqm") != ""
    assert page.input_value("#id_area_sqm") == "-5"

    page.fill("#id_area_sqm", "900")
    page.wait_for_selector("#score:text('14.70')")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "/scoring/evaluations/" in page.url
