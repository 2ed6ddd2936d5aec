"""The settlement demo: a finance login, deposits in every state, three months of card
transactions settled into statements (paid, payable, held, a late correction, disputes),
credit ratings; and seed_demo still runs twice without adding anything."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Min

from merchants.models import Merchant
from settlement.models import (
    CardTransaction,
    CreditRating,
    Deposit,
    DepositEntry,
    LineKind,
    SettlementDispute,
    Statement,
    StatementLine,
)
from workplace.roles import has_role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Deposit, DepositEntry, CardTransaction, Statement, StatementLine, CreditRating, SettlementDispute)
    }


def test_the_demo_has_every_state_and_figures(seeded, client):
    deposits_in_every_state()
    three_months_settled_and_paid()
    ratings_and_a_finance_login()
    pages_show_figures(client)


def deposits_in_every_state():
    statuses = set(Deposit.objects.values_list("status", flat=True))
    assert statuses == {"due", "held", "refund_due", "refunded"}
    overdue = Deposit.objects.filter(status="refund_due", refund_due__lt=TODAY)
    assert overdue.count() == 1
    assert Deposit.objects.filter(status="refund_due", refund_due__gte=TODAY).exists()
    deductions = DepositEntry.objects.filter(kind="deduction")
    assert set(deductions.values_list("status", flat=True)) == {"approved", "pending"}
    assert Deposit.objects.filter(deducted__gt=0).count() == 1
    assert not Merchant.objects.filter(signed_at__isnull=False, deposit__isnull=True).exists()


def three_months_settled_and_paid():
    first = CardTransaction.objects.aggregate(first=Min("date"))["first"]
    assert (TODAY - first).days >= 90
    assert not CardTransaction.objects.filter(statementline__isnull=True).exists()
    statuses = set(Statement.objects.values_list("status", flat=True))
    assert {"paid", "payable", "held"} <= statuses
    assert not Statement.objects.filter(status="payable", payable_on__lt=TODAY).exists()
    kinds = set(StatementLine.objects.values_list("kind", flat=True))
    assert {LineKind.TRANSACTION, LineKind.LATE_CORRECTION, LineKind.DISPUTE_HOLD, LineKind.DISPUTE_RELEASE} <= kinds
    assert SettlementDispute.objects.filter(closed_on__isnull=True).exists()
    assert SettlementDispute.objects.filter(closed_on__isnull=False).exists()
    for statement in Statement.objects.exclude(status="open")[:50]:
        assert statement.net == statement.gross - statement.commission


def ratings_and_a_finance_login():
    months = set(CreditRating.objects.values_list("as_of", flat=True))
    assert dt.date(2026, 11, 1) in months and dt.date(2026, 8, 1) in months
    from django.contrib.auth import get_user_model

    assert has_role(get_user_model().objects.get(username="finance"), "finance")


def test_seed_demo_twice_adds_nothing(seeded, capsys):
    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert "finance" in capsys.readouterr().out


def pages_show_figures(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="merchant2")
    client.force_login(user)
    assert "statement" in client.get("/settlement/statements/").content.decode()
    client.force_login(get_user_model().objects.get(username="finance"))
    response = client.get("/settlement/back-office/statements/")
    assert response.status_code == 200 and response.content.decode().count('class="statement"') == 50
