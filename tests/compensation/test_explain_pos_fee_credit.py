"""A terminal's month paid by a credit points redemption (SPEC.md §9 Decision) is explained
on the payslip as paid by the redemption, not as waived; a waiver stays "waived". The
back office lists the credits read only."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from alliance import redemptions
from alliance.models import PointEntry, PointReason
from compensation import explain
from compensation.models import ItemKind, LineItem, PayrollLine, PosFeeCredit
from compensation.services.runs import payroll_run_start
from tests.factories.compensation import signed_merchant, terminal

pytestmark = pytest.mark.django_db

DETAILS = {"terminal": "T-1", "merchant": "甲商户", "profit": "20.00", "profit_recorded": True, "minimum": "50.00"}


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def exempt(**data):
    return LineItem(kind=ItemKind.POS_EXEMPT, data=DETAILS | data)


def test_it_explains_a_redeemed_month_as_paid_by_points_not_waived():
    item = exempt(waived=False, fee_credited=True)
    with translation.override("en"):
        text = explain.describe(item)
    assert "paid by a credit points redemption" in text
    assert "waived" not in text
    with translation.override("zh-hans"):
        assert "积分兑换" in explain.describe(item)


def test_it_still_explains_a_waiver_as_waived():
    with translation.override("en"):
        assert explain.describe(exempt(waived=True, fee_credited=False)).endswith("(service fee waived)")
        # Older runs stored no fee_credited: a waiver.
        assert explain.describe(exempt(waived=True)).endswith("(service fee waived)")


def test_the_payslip_of_a_redeemed_month_says_paid_by_points(recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    redeemed = terminal(
        merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-06": "20.00"}
    )
    PointEntry.objects.create(merchant=merchant, points=50, reason=PointReason.PARTICIPATION)
    redemptions.pos_fee_redeem(by=recruiter, merchant=merchant, terminal=redeemed.pk, month="2026-06")
    june, _ = payroll_run_start(kind="monthly", period="2026-06")
    item = PayrollLine.objects.get(run=june, staff=recruiter).items.get(kind=ItemKind.POS_EXEMPT)
    with translation.override("en"):
        what = explain.explanation(item)["what"]
    assert what.startswith(f"Terminal {redeemed.serial} of {merchant.name}")
    assert "paid by a credit points redemption" in what and "waived" not in what


def signed_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def credit(recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    row = terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False)
    PointEntry.objects.create(merchant=merchant, points=50, reason=PointReason.PARTICIPATION)
    redemptions.pos_fee_redeem(by=recruiter, merchant=merchant, terminal=row.pk, month="2026-06")
    return PosFeeCredit.objects.get()


def test_the_admin_lists_the_credits_read_only(admin_user, credit):
    client = signed_in(admin_user, "en")
    listing = client.get("/admin/compensation/posfeecredit/")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert credit.terminal.serial in content and "2026-06" in content and credit.terminal.merchant.name in content
    page = client.get(f"/admin/compensation/posfeecredit/{credit.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/compensation/posfeecredit/add/").status_code == 403
    assert client.get(f"/admin/compensation/posfeecredit/{credit.pk}/delete/").status_code == 403
    before = PosFeeCredit.objects.values("terminal_id", "month", "source").get()
    client.post(f"/admin/compensation/posfeecredit/{credit.pk}/change/", {"source": "edited"})
    assert PosFeeCredit.objects.values("terminal_id", "month", "source").get() == before


def test_the_admin_list_is_in_chinese_by_default(admin_user, credit):
    content = signed_in(admin_user).get("/admin/compensation/posfeecredit/").content.decode()
    assert "POS 服务费" in content or "服务费" in content


def test_staff_without_the_permission_do_not_open_it(recruiter, recruitment_head, merchant_user, credit):
    for user in (recruiter, recruitment_head, merchant_user):
        response = signed_in(user).get("/admin/compensation/posfeecredit/")
        assert response.status_code in (302, 403), user
