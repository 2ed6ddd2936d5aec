import pytest

from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 - Chromium setup
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_score_updates_as_the_evaluator_types(page, live_server, recruiter):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", recruiter.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

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
    assert page.text_content("#merchant-class") == "II"
    # Nothing was submitted: the page itself never reloaded.
    assert page.url.endswith("/scoring/calculator/")

    page.select_option("#id_category", "supermarket")
    page.check("#id_large_or_chain")
    page.wait_for_selector("#merchant-class:text-is('I')")
