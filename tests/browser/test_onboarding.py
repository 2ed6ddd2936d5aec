"""Onboarding end to end in a real browser, in Chinese (the default language): a merchant
registers, fills its profile, uploads its certificates and submits; the system check runs
(eagerly in tests); the recruitment head assigns, visits, evaluates and approves; the
merchant signs its contract and is active."""

import datetime as dt
import importlib
import os

import pytest
from django.apps import apps

from merchants.models import Application, ApplicationStatus, MerchantStatus
from merchants.samples import pdf_bytes, png_bytes
from scoring.models import ScoringRuleSet
from tests.factories.merchants import VALID_ID_NUMBER, VALID_USCC
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MERCHANT = {"username": "yingzhou_hotpot", "password": "Huo-guo-2026-fy", "phone": "13955800000"}


@pytest.fixture(autouse=True)
def default_rule_set(db):
    # A transactional test ends with a flush that also empties what data migrations
    # seeded; put the star-rating rule set back the way its migration does.
    if not ScoringRuleSet.objects.exists():
        importlib.import_module("scoring.migrations.0002_default_rule_set").seed_default_rule_set(apps, None)


def register(page, base):
    page.goto(f"{base}/portal/")
    page.click("a[href='/portal/register/']")
    page.fill("#id_username", MERCHANT["username"])
    page.fill("#id_email", "hotpot@example.com")
    page.fill("#id_phone", MERCHANT["phone"])
    page.fill("#id_password1", MERCHANT["password"])
    page.fill("#id_password2", MERCHANT["password"])
    page.click("#register-form button[type=submit]")
    page.wait_for_url("**/portal/application/new/")


def fill_profile(page):
    page.fill("#id_company_name", "阜阳颍州老城火锅有限公司")
    page.select_option("#id_entity_type", "enterprise")
    page.select_option("#id_category", "dining_entertainment")
    page.select_option("#id_segment", "featured")
    page.fill("#id_uscc", VALID_USCC)
    page.fill("#id_legal_rep_name", "王芳")
    page.fill("#id_legal_rep_id_number", VALID_ID_NUMBER)
    page.fill("#id_district", "颍州区")
    page.fill("#id_address", "阜阳市颍州区鼓楼街道文峰路 18 号")
    # The phone given at registration is already there.
    assert page.input_value("#id_contact_phone") == MERCHANT["phone"]
    page.click("#profile-form button[type=submit]")
    page.wait_for_url("**/portal/application/*/")


def upload(page, kind, number, valid_until, name, mime, content):
    page.select_option("#id_kind", kind)
    page.fill("#id_number", number)
    page.fill("#id_valid_until", valid_until)
    page.set_input_files("#id_file", {"name": name, "mimeType": mime, "buffer": content})
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()


def snapshot(page, name):
    """Full-page screenshots for a human look, when SCREENSHOTS_DIR is set."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state()


def test_a_merchant_is_onboarded_from_registration_to_signed_contract(
    page, live_server, login, recruitment_head, recruiter
):
    base = live_server.url
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()

    # --- the merchant applies -------------------------------------------------------
    register(page, base)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    fill_profile(page)
    # Before uploading, the checklist says what is missing.
    assert page.locator(".checklist [data-kind=business_licence] .checklist-missing").is_visible()
    assert page.locator(".checklist [data-kind=legal_rep_id] .checklist-missing").is_visible()
    assert page.locator("#precheck .finding").count() == 2
    assert "missing_document" not in page.content()  # messages, never internal codes
    snapshot(page, "1-application-draft")
    # Submitting now is refused on the page, each point by field; nothing is submitted.
    page.click("#submit-application")
    page.wait_for_load_state()
    assert page.locator("#submit-refused .submit-refused-point").count() == 2
    assert page.text_content("#submit-refused .submit-refused-point strong").strip() == "证件"
    assert Application.objects.get(merchant__user__username=MERCHANT["username"]).status == ApplicationStatus.DRAFT

    upload(page, "business_licence", VALID_USCC, next_year, "营业执照.png", "image/png", png_bytes())
    upload(page, "legal_rep_id", VALID_ID_NUMBER, "2036-05-01", "身份证.pdf", "application/pdf", pdf_bytes())
    assert page.locator(".checklist-missing").count() == 0
    assert page.locator("#precheck-ok").is_visible()

    # The pages speak Chinese by default.
    assert page.text_content("#submit-application").strip() == "提交申请"
    page.click("#submit-application")
    page.wait_for_load_state()
    # The system check ran at once (eagerly in tests) and found nothing blocking.
    assert page.locator("[data-status=in_review]").first.is_visible()
    application = Application.objects.get(merchant__user__username=MERCHANT["username"])
    assert application.status == ApplicationStatus.IN_REVIEW
    sign_out(page)

    # --- the recruitment head reviews -----------------------------------------------
    login(page, recruitment_head.username, PASSWORD)
    page.goto(f"{base}/portal/review/")
    page.click(f"#review-table [data-application='{application.pk}'] a")
    page.wait_for_url(f"**/portal/review/{application.pk}/")
    assert page.locator("#visit-required").is_visible()  # dining: a site visit is mandatory
    assert page.locator(".document-preview").is_visible()  # the PNG licence, previewed

    page.select_option("#id_assign-recruiter", str(recruiter.pk))
    page.click("#assign-form button[type=submit]")
    page.wait_for_load_state()
    assert page.text_content("#assignee-name").strip() == (recruiter.get_full_name() or recruiter.username)

    # Approving too early is refused with the reason.
    page.click("#approve-button")
    page.wait_for_load_state()
    assert page.locator(".alert-danger").first.is_visible()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.IN_REVIEW

    page.fill("#id_visit-visited_on", dt.date.today().isoformat())
    page.fill("#id_visit-notes", "门店整洁，后厨规范，晚市客流大。")
    page.set_input_files("#id_visit-media", {"name": "门店.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.click("#visit-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".site-visit").count() == 1

    page.select_option("#id_evaluation-brand", "3")
    page.select_option("#id_evaluation-decoration", "chain_style")
    page.fill("#id_evaluation-area_sqm", "900")
    page.fill("#id_evaluation-registered_capital", "2000000")
    page.fill("#id_evaluation-staff_count", "85")
    page.fill("#id_evaluation-years_in_business", "5")
    page.select_option("#id_evaluation-frequency", "high")
    page.click("#evaluation-form button[type=submit]")
    page.wait_for_load_state()
    assert page.text_content("#evaluations .evaluation-score").strip() == "13.70"
    snapshot(page, "2-review-detail")

    assert page.text_content("#approve-button").strip() == "批准"
    page.click("#approve-button")
    page.wait_for_load_state()
    assert page.locator("[data-status=contract_sent]").first.is_visible()
    sign_out(page)

    # --- the merchant signs ------------------------------------------------------------
    login(page, MERCHANT["username"], MERCHANT["password"])
    assert page.url.rstrip("/").endswith("/portal")  # merchants land in their portal
    page.click(f".application-card[data-application='{application.pk}'] a[href$='/contract/']")
    page.wait_for_url(f"**/portal/application/{application.pk}/contract/")
    with page.expect_popup() as popup:
        page.click("#contract-pdf")
    assert popup.value.url.endswith("/contract.pdf")
    popup.value.close()

    page.fill("#id_signer_name", "王芳")
    page.check("#id_consent")
    assert page.text_content("#sign-button").strip() == "签署"
    page.click("#sign-button")
    page.wait_for_load_state()
    assert page.locator("#contract-signed").is_visible()
    assert page.locator("#merchant-active").is_visible()
    snapshot(page, "3-contract-signed")
    with page.expect_download() as download:
        page.click("#signed-pdf")
    assert download.value.suggested_filename.endswith("-signed.pdf")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SIGNED
    assert application.merchant.status == MerchantStatus.ACTIVE
    assert application.merchant.recruiter == recruiter


def test_the_portal_fits_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    phone = context.new_page()
    register(phone, live_server.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    fill_profile(phone)
    application_path = phone.url.removeprefix(live_server.url)
    for path in (application_path, "/portal/", "/portal/rates/"):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
        snapshot(phone, "phone" + path.replace("/", "-"))
    context.close()
