"""The back office of statements: the rule set seeded and new versions only, statements with
their lines and disputes read-only, none of them deleted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client

from settlement.models import CardTransaction, SettlementDispute, SettlementRuleSet, Statement, StatementLine

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_seeded_rule_set_holds_specs_values():
    rules = SettlementRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))
    assert (rules.promotion_window_from, rules.promotion_window_to) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (rules.promotion_months, rules.promotion_factor, rules.grade_a_discount) == (
        3,
        Decimal("0.5"),
        Decimal("0.05"),
    )


@pytest.mark.parametrize("listing", ["settlementruleset", "statement", "settlementdispute"])
def test_the_lists_open(admin_user, listing):
    assert signed_in(admin_user).get(f"/admin/settlement/{listing}/").status_code == 200


def test_a_statement_shows_its_lines_read_only(admin_user, finance, merchant):
    tx = CardTransaction.objects.create(merchant=merchant, date=dt.date(2026, 9, 1), amount="100.00", reference="T1")
    statement = Statement.objects.create(
        merchant=merchant,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 1),
        gross="100.00",
        commission="10.00",
        net="90.00",
        payable_on=dt.date(2026, 9, 16),
    )
    StatementLine.objects.create(
        statement=statement, kind="transaction", day=tx.date, amount="100.00", rate="0.1", transaction=tx
    )
    response = signed_in(admin_user).get(f"/admin/settlement/statement/{statement.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "结算单明细" in text
    assert 'name="lines-0-amount"' not in text
    assert signed_in(admin_user).get("/admin/settlement/statement/add/").status_code == 403
    dispute = SettlementDispute.objects.create(
        merchant=merchant, day=dt.date(2026, 9, 1), amount="20.00", reason="disputed", opened_by=finance
    )
    assert signed_in(admin_user).get(f"/admin/settlement/settlementdispute/{dispute.pk}/change/").status_code == 200


@pytest.mark.parametrize("model", [SettlementRuleSet, Statement, SettlementDispute])
def test_never_deleted(rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    assert admin.site._registry[model].has_delete_permission(request) is False
