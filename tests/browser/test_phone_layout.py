"""At phone width (390 px) the approval queue is a list of cards: the merchant's name reads
across the card (not two characters a line) and approve/reject are within the screen; the
merchant's document table keeps "Remove" on one line."""

import pytest
from playwright.sync_api import expect

from tests.commissions.conftest import ensure_default_rules
from tests.factories.commissions import make_request
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _line_count(locator) -> float:
    """How many lines a block of text takes (its height over its line height)."""
    return locator.evaluate(
        "element => element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)"
    )


def test_the_approval_queue_fits_a_phone(page, live_server, login, recruiter, recruitment_head):
    ensure_default_rules()
    rate_request = make_request(recruiter, "5.00", name="阜阳颍州老街火锅城有限公司")
    page.set_viewport_size(PHONE)
    login(page, recruitment_head.username, PASSWORD)
    page.goto(f"{live_server.url}/commissions/queue/")

    row = page.locator(f"#request-{rate_request.pk}")
    name = row.locator("strong").first
    expect(name).to_have_text("阜阳颍州老街火锅城有限公司")
    # 13 characters in at most two lines, and the card uses the screen's width.
    assert _line_count(name) <= 2.1
    assert name.bounding_box()["width"] > 200

    for decision in ("approve", "reject"):
        button = row.locator(f"button[value={decision}]")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], decision
        assert _line_count(button) <= 1.6, decision
    # Nothing sticks out sideways: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
