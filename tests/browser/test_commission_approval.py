"""A recruiter asks 5.00 % for a dining merchant (standard 10 %, ratio 50 %): the head,
the director and the general manager approve it in turn from their queues."""

import re

import pytest
from playwright.sync_api import expect

from commissions.models import RateRequest
from tests.commissions.conftest import ensure_default_rules
from tests.factories.commissions import make_merchant
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approve_from_queue(page, live_server, login, logout, user, rate_request, comment):
    login(page, user.username, PASSWORD)
    page.goto(f"{live_server.url}/commissions/queue/")
    row = page.locator(f"#request-{rate_request.pk}")
    expect(row).to_contain_text("老街火锅")
    expect(row).to_contain_text("10.00 %")
    expect(row).to_contain_text("50.00 %")
    row.locator("textarea[name=comment]").fill(comment)
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()
    expect(page.locator(f"#request-{rate_request.pk}")).to_have_count(0)
    logout(page)


def test_three_levels_approve_a_deep_discount_in_turn(
    page, live_server, login, logout, recruiter, recruitment_head, ops_director, general_manager
):
    ensure_default_rules()
    merchant = make_merchant(recruiter, name="老街火锅", category="dining_entertainment")

    login(page, recruiter.username, PASSWORD)
    page.goto(f"{live_server.url}/commissions/requests/new/")
    page.select_option("#id_merchant", str(merchant.pk))
    page.fill("#id_proposed_rate", "5.00")
    # The htmx preview tells who must approve while the recruiter types.
    expect(page.locator("#quote-ratio")).to_have_text(re.compile(r"50\.00 %"))
    expect(page.locator("#quote-chain")).to_contain_text("总经理")
    page.fill("#id_reason", "区域龙头，带动周边商户入盟")
    page.click("#submit-request")
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    logout(page)

    rate_request = RateRequest.objects.get(merchant=merchant)
    assert [step.role for step in rate_request.steps.all()] == ["recruitment_head", "ops_director", "general_manager"]

    approve_from_queue(page, live_server, login, logout, recruitment_head, rate_request, "重点商户，同意")
    approve_from_queue(page, live_server, login, logout, ops_director, rate_request, "同意上报")
    approve_from_queue(page, live_server, login, logout, general_manager, rate_request, "特批")

    rate_request.refresh_from_db()
    assert rate_request.status == "approved"
    assert [step.decided_by for step in rate_request.steps.all()] == [recruitment_head, ops_director, general_manager]

    login(page, recruiter.username, PASSWORD)
    page.goto(f"{live_server.url}/commissions/requests/")
    expect(page.locator(f"#request-{rate_request.pk}")).to_contain_text("特批")
