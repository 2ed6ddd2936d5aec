"""The pages run under their Content-Security-Policy (scripts from this site only): a
violation is a script or style the browser refused, so each page is opened and must report
none — the work pages, the back office, the dashboards and the API documentation."""

import pytest

from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PAGES = ["/", "/admin/", "/admin/merchants/merchant/", "/dashboards/", "/api/docs/", "/accounts/tokens/"]


def watch(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_the_staff_pages_raise_no_policy_violation(page, live_server, login, admin_user):
    violations = watch(page)
    login(page, admin_user.username, PASSWORD)
    for path in STAFF_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_portal_and_its_language_switch_work_under_the_policy(page, live_server, login, merchant_user):
    violations = watch(page)
    login(page, merchant_user.username, PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_the_admin_language_switch_works_under_the_policy(page, live_server, login, admin_user):
    violations = watch(page)
    login(page, admin_user.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []
