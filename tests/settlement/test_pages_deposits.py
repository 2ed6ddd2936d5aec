"""The back office's deposits, every role: the list in scope with its filters and the
overdue refunds flagged; a deposit's page with its history; finance records receipts and
refunds and proposes deductions, the general manager deducts and decides; others 403, out
of sight 404, a refused move shown with its status."""

from decimal import Decimal

import pytest
from django.utils import timezone

from merchants import services as merchant_services
from settlement import services
from settlement.models import DepositEntry, EntryStatus

from .conftest import EN, ZH
from .pages import D, login

pytestmark = pytest.mark.django_db

LIST = "/settlement/back-office/deposits/"


def url(deposit, move=""):
    return f"/settlement/back-office/deposits/{deposit.pk}/{move + '/' if move else ''}"


def shown(user, **params):
    response = login(user).get(LIST, params, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    return body


def test_the_list_is_scoped(merchant, other_merchant, finance, general_manager, admin_user, recruiter, outside_head):
    mine, theirs = merchant.deposit, other_merchant.deposit
    for user in (finance, general_manager, admin_user):
        body = shown(user)
        assert f'data-deposit="{mine.pk}"' in body and f'data-deposit="{theirs.pk}"' in body
    body = shown(recruiter)
    assert f'data-deposit="{mine.pk}"' in body and f'data-deposit="{theirs.pk}"' not in body
    body = shown(outside_head)
    assert f'data-deposit="{theirs.pk}"' in body and f'data-deposit="{mine.pk}"' not in body


def test_other_roles_are_refused(merchant, merchant_user, customer_service, ops_director, client):
    for user in (merchant_user, customer_service, ops_director):
        assert login(user).get(LIST).status_code == 403
        assert login(user).get(url(merchant.deposit)).status_code == 403
    assert client.get(LIST).status_code == 302


def test_the_list_filters_and_flags_an_overdue_refund(merchant, other_merchant, finance):
    deposit = other_merchant.deposit
    deposit.status, deposit.received, deposit.refund_due = "refund_due", Decimal("100000.00"), D(2026, 9, 1)
    deposit.save()
    body = shown(finance, status="overdue")
    assert f'data-deposit="{deposit.pk}"' in body and "refund-overdue" in body
    assert f'data-deposit="{merchant.deposit.pk}"' not in body
    body = shown(finance, status="due", q=merchant.name)
    assert f'data-deposit="{merchant.deposit.pk}"' in body and f'data-deposit="{deposit.pk}"' not in body
    assert login(finance).get(LIST, {"status": "lost"}).status_code == 400


def test_finance_records_a_receipt_and_proposes_a_deduction(merchant, finance, general_manager):
    deposit = merchant.deposit
    client = login(finance)
    page = client.get(url(deposit), **EN).content.decode()
    assert 'id="receive-form"' in page and 'id="refund-form"' in page and 'id="deduct-form"' in page
    response = client.post(url(deposit, "receive"), {"amount": "20000.00", "on": "2026-09-05"}, follow=True, **EN)
    assert "The receipt is recorded." in response.content.decode()
    deposit.refresh_from_db()
    assert (deposit.received, deposit.status) == (Decimal("20000.00"), "held")
    too_much = client.post(url(deposit, "receive"), {"amount": "1.00", "on": "2026-09-05"}, **EN)
    assert too_much.status_code == 400 and "At most 0.00 is still owed." in too_much.content.decode()
    client.post(url(deposit, "deduct"), {"amount": "500.00", "reason": "虚假发货"}, **EN)
    entry = DepositEntry.objects.get(kind="deduction")
    assert entry.status == EntryStatus.PENDING
    # The general manager approves it from the page.
    gm = login(general_manager)
    assert 'class="d-flex gap-1 decide-form"' in gm.get(url(deposit), **EN).content.decode()
    gm.post(url(deposit, "decide"), {"entry": str(entry.pk), "decision": "approve"}, **EN)
    entry.refresh_from_db()
    deposit.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and deposit.deducted == Decimal("500.00")
    again = gm.post(url(deposit, "decide"), {"entry": str(entry.pk), "decision": "reject"}, **EN)
    assert again.status_code == 409


def test_finance_refunds_after_termination(merchant, finance, recruiter):
    deposit = merchant.deposit
    services.deposit_receive(deposit=deposit, by=finance, amount="20000.00", received_on="2026-09-05")
    client = login(finance)
    early = client.post(url(deposit, "refund"), {"amount": "20000.00", "on": "2026-09-20"}, **EN)
    assert early.status_code == 409
    merchant_services.merchant_terminate(merchant=merchant, by=recruiter, reason="合同到期")
    client.post(url(deposit, "refund"), {"amount": "20000.00", "on": timezone.localdate().isoformat()}, **EN)
    deposit.refresh_from_db()
    assert deposit.status == "refunded" and deposit.refunded == Decimal("20000.00")


def test_who_may_make_which_move(merchant, general_manager, admin_user, recruiter, recruitment_head, finance):
    deposit = merchant.deposit
    body = {"amount": "10.00", "on": "2026-09-05", "reason": "x", "entry": "1", "decision": "approve"}
    for user, refused in (
        (general_manager, ("receive", "refund")),
        (finance, ("decide",)),
        (admin_user, ("receive", "refund", "deduct", "decide")),
        (recruiter, ("receive", "refund", "deduct", "decide")),
        (recruitment_head, ("receive", "refund", "deduct", "decide")),
    ):
        for move in refused:
            assert login(user).post(url(deposit, move), body).status_code == 403, (user, move)
    assert 'id="deposit-moves"' not in login(recruiter).get(url(deposit)).content.decode()
    deposit.refresh_from_db()
    assert deposit.received == 0


def test_out_of_sight_is_a_404(merchant, outside_recruiter, finance):
    assert login(outside_recruiter).get(url(merchant.deposit)).status_code == 404
    assert login(outside_recruiter).post(url(merchant.deposit, "receive")).status_code == 404
    assert login(finance).get("/settlement/back-office/deposits/999999/").status_code == 404


def test_the_general_manager_deducts_at_once(merchant, finance, general_manager):
    deposit = merchant.deposit
    services.deposit_receive(deposit=deposit, by=finance, amount="20000.00", received_on="2026-09-05")
    login(general_manager).post(url(deposit, "deduct"), {"amount": "2000.00", "reason": "仲裁结果"}, **EN)
    deposit.refresh_from_db()
    assert deposit.deducted == Decimal("2000.00")
    refused = login(general_manager).post(url(deposit, "deduct"), {"amount": "1.00", "reason": " "}, **EN)
    assert refused.status_code == 400 and "Please give a reason." in refused.content.decode()


def test_chinese_by_default_and_in_the_menu(merchant, finance):
    body = login(finance).get(LIST, **ZH).content.decode()
    assert "保证金" in body and f'href="{LIST}"' in body


def test_the_list_takes_a_fixed_number_of_queries(finance, recruiter, queries):
    from tests.factories.settlement import signed_merchant

    client = login(finance)
    signed_merchant(recruiter=recruiter)
    queries.assert_constant(lambda: client.get(LIST), lambda: signed_merchant(recruiter=recruiter))
