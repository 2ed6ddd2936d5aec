"""A complaint end to end in a real browser, in Chinese (the default language): the
merchant files it on a phone-sized screen, customer service investigates, the responsible
head answers, the merchant accepts on its phone, the head carries it out, customer service
visits and closes it."""

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from merchants.samples import png_bytes
from tests.factories.complaints import complaint_merchant
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def session(browser, live_server):
    """``session(user, phone=False)``: a page of a new browser signed in as ``user``."""
    contexts = []

    def open_as(user, *, phone=False):
        context = browser.new_context(
            locale="zh-CN",
            viewport=PHONE if phone else {"width": 1280, "height": 900},
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        return page

    yield open_as
    for context in contexts:
        context.close()


def fits_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def submit(page, action):
    with page.expect_navigation():
        page.click(f"#submit-{action}")
    expect(page.locator(".alert-success")).to_be_visible()


def test_a_merchant_files_on_its_phone_and_the_complaint_is_carried_to_closure(
    session, live_server, tmp_path, merchant_user, recruiter, customer_service, dept_head
):
    merchant = complaint_merchant(user=merchant_user, recruiter=recruiter, name="颍州老城火锅")
    department = dept_head.staff_profile.department
    department.head = dept_head
    department.save(update_fields=["head"])

    # The merchant, on its phone: the menu, the list, the filing form.
    phone = session(merchant_user, phone=True)
    phone.click(".navbar-toggler")
    phone.click("#main-nav a[href='/complaints/mine/']")
    expect(phone.locator("h1")).to_have_text("我的投诉")
    phone.click("#file-complaint")
    fits_the_screen(phone)
    phone.check("input[name=type][value=service_quality]")
    phone.fill("#id_description", "收银员结账时态度恶劣，拒收联盟卡")
    photo = tmp_path / "receipt.png"
    photo.write_bytes(png_bytes())
    phone.set_input_files("#id_attachments", str(photo))
    with phone.expect_navigation():
        phone.click("#submit-complaint")
    expect(phone.locator(".alert-success")).to_contain_text("3")
    fits_the_screen(phone)
    complaint = Complaint.objects.get(merchant=merchant)
    expect(phone.locator("#deadlines li[data-deadline=reply_due]")).to_be_visible()
    expect(phone.locator(".complaint-status")).to_have_attribute("data-status", "received")

    # Customer service: the queue, the investigation form.
    desk = session(customer_service)
    desk.goto(f"{live_server.url}/complaints/queue/")
    desk.click(f"#complaint-{complaint.pk} a")
    form = desk.locator("#action-investigate")
    form.locator("input[name=valid][value=yes]").check()
    form.locator("textarea[name=findings]").fill("经调取监控核实，情况属实")
    form.locator("select[name=responsible_department]").select_option(department.code)
    form.locator("select[name=responsible_person]").select_option(dept_head.username)
    submit(desk, "investigate")

    # The responsible head answers the transfer slip from its queue.
    head = session(dept_head)
    head.goto(f"{live_server.url}/complaints/answer/")
    head.click(f"#complaint-{complaint.pk} a")
    head.fill("#action-solution textarea[name=solution]", "对收银员进行培训并向商户致歉")
    submit(head, "solution")

    # The merchant accepts on its phone; it never sees who is responsible.
    phone.reload()
    expect(phone.locator("#latest-solution")).to_have_text("对收银员进行培训并向商户致歉")
    expect(phone.locator("body")).not_to_contain_text(dept_head.get_full_name())
    phone.check("#action-opinion input[name=accepted][value=yes]")
    submit(phone, "opinion")
    fits_the_screen(phone)

    # The head carries it out; customer service visits and closes.
    head.reload()
    head.fill("#action-implemented textarea[name=notes]", "已完成培训")
    submit(head, "implemented")
    desk.reload()
    desk.check("#action-visits input[name=satisfaction][value=satisfied]")
    submit(desk, "visits")
    submit(desk, "close")
    expect(desk.locator(".complaint-status")).to_have_attribute("data-status", "closed")

    phone.goto(f"{live_server.url}/complaints/mine/")
    expect(phone.locator(f"#complaint-{complaint.pk} .complaint-status")).to_have_attribute("data-status", "closed")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.attachments.count() == 1
    assert {penalty.amount for penalty in complaint.penalties.all()} <= {-50, -25}
