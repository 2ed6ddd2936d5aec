import pytest

from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_switches_language(page, live_server, login, recruiter):
    login(page, recruiter.username, PASSWORD)
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name="退出").is_visible()

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_a_wrong_password_shows_an_error(page, live_server, recruiter):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", recruiter.username)
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    assert "/accounts/login/" in page.url


def test_the_login_page_fits_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/accounts/login/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    context.close()
