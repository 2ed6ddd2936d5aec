"""The back office of merchant money: deposits with their entries read-only, card
transactions read-only, deposit rule sets as new versions only; and the finance role."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from settlement import services
from settlement.models import CardTransaction, DepositRuleSet
from workplace.roles import roles_of

pytestmark = pytest.mark.django_db


def signed_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("listing", ["deposit", "depositruleset", "cardtransaction"])
def test_the_lists_open(admin_user, merchant, listing):
    assert signed_in(admin_user).get(f"/admin/settlement/{listing}/").status_code == 200


def test_a_deposit_shows_its_entries_read_only(admin_user, finance, merchant):
    services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000", received_on="2026-09-10")
    response = signed_in(admin_user, "zh-hans").get(f"/admin/settlement/deposit/{merchant.deposit.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "保证金记录" in text and "收款" in text
    assert 'name="entries-0-amount"' not in text  # no editable entry
    assert signed_in(admin_user).get("/admin/settlement/deposit/add/").status_code == 403


def test_finance_reads_deposits_in_the_admin(finance, merchant):
    assert signed_in(finance).get(f"/admin/settlement/deposit/{merchant.deposit.pk}/change/").status_code == 200


def test_a_rule_set_is_never_edited_or_deleted(admin_user):
    rule_set = DepositRuleSet.objects.get()
    client = signed_in(admin_user)
    client.post(f"/admin/settlement/depositruleset/{rule_set.pk}/change/", {"class_i": "1"})
    rule_set.refresh_from_db()
    assert str(rule_set.class_i) == "100000.00"
    assert client.post(f"/admin/settlement/depositruleset/{rule_set.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DepositRuleSet.objects.filter(pk=rule_set.pk).exists()


def test_card_transactions_are_not_edited_in_the_admin(admin_user, finance, merchant):
    services.card_transactions_import(
        user=finance, rows=[{"merchant": merchant.pk, "date": "2026-09-19", "amount": "1.00", "reference": "R-1"}]
    )
    tx = CardTransaction.objects.get()
    client = signed_in(admin_user)
    assert client.get(f"/admin/settlement/cardtransaction/{tx.pk}/change/").status_code == 200
    assert client.post(f"/admin/settlement/cardtransaction/{tx.pk}/delete/", {"post": "yes"}).status_code == 403


def test_create_user_makes_a_finance_user(db):
    call_command("create_user", "qian", "--role", "finance", "--password", "s3cret-Pass")
    user = get_user_model().objects.get(username="qian")
    assert roles_of(user) == {"finance"}
    assert user.has_perm("settlement.add_cardtransaction")
