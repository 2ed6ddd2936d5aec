"""The merchant portal's money pages (issue 11): my statements (filter by month, lines,
PDF), my deposit with its history, my credit with its factors. A merchant sees only its
own; another merchant's statement is a 404; staff and anonymous users are refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from settlement import services
from settlement.models import CreditRating, CreditRuleSet, Statement
from settlement.services.credit import credit_rate_month

from .conftest import EN, ZH
from .pages import D, login, settle_days, transaction

pytestmark = pytest.mark.django_db

PORTAL = ("/settlement/statements/", "/settlement/deposit/", "/settlement/credit/")


@pytest.fixture
def statements(merchant, other_merchant):
    settle_days(merchant, [D(2026, 9, 2), D(2026, 9, 3)], "1000.00")
    settle_days(merchant, [D(2026, 8, 31)], "10.00", through=D(2026, 9, 3))
    settle_days(other_merchant, [D(2026, 9, 2)], "777.00")
    return Statement.objects.filter(merchant=merchant).order_by("period_start")


def test_it_lists_my_statements_only_with_totals(statements, merchant_user):
    page = login(merchant_user).get("/settlement/statements/", **EN)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="statement"') == 3
    assert "777.00" not in body  # the other merchant's
    assert 'id="total-gross">2,010.00' in body or 'id="total-gross">2010.00' in body


def test_it_filters_my_statements_by_month(statements, merchant_user):
    body = login(merchant_user).get("/settlement/statements/?month=2026-08", **EN).content.decode()
    assert body.count('class="statement"') == 1 and "2026-08-31" in body


def test_a_bad_month_is_a_400_naming_it(statements, merchant_user):
    response = login(merchant_user).get("/settlement/statements/?month=2026-13", **EN)
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM." in response.content.decode()


def test_it_shows_a_statement_with_its_lines(statements, merchant_user):
    statement = statements.last()
    body = login(merchant_user).get(f"/settlement/statements/{statement.pk}/", **EN).content.decode()
    assert body.count('class="statement-line"') == 1
    assert f'id="statement-commission">{statement.commission:.2f}' in body
    assert f"/settlement/statements/{statement.pk}/statement.pdf" in body


def test_another_merchants_statement_is_a_404(statements, other_merchant, other_merchant_user, merchant_user):
    theirs = Statement.objects.get(merchant=other_merchant)
    client = login(merchant_user)
    assert client.get(f"/settlement/statements/{theirs.pk}/").status_code == 404
    assert client.get(f"/settlement/statements/{theirs.pk}/statement.pdf").status_code == 404
    mine = statements.first()
    assert login(other_merchant_user).get(f"/settlement/statements/{mine.pk}/").status_code == 404


def test_the_pages_are_chinese_by_default(statements, merchant_user):
    client = login(merchant_user)
    assert "我的结算单" in client.get("/settlement/statements/", **ZH).content.decode()
    assert "我的保证金" in client.get("/settlement/deposit/", **ZH).content.decode()
    assert "我的信用" in client.get("/settlement/credit/", **ZH).content.decode()


def test_it_shows_my_deposit_and_its_history(merchant, finance, general_manager, merchant_user):
    deposit = merchant.deposit
    services.deposit_receive(deposit=deposit, by=finance, amount="20000.00", received_on="2026-09-05")
    services.deposit_deduct(deposit=deposit, by=general_manager, amount="500.00", reason="虚假发货")
    body = login(merchant_user).get("/settlement/deposit/", **EN).content.decode()
    assert 'data-status="held"' in body
    assert 'deposit-required">20,000.00' in body or 'deposit-required">20000.00' in body
    assert 'deposit-refundable">19,500.00' in body or 'deposit-refundable">19500.00' in body
    assert body.count('class="deposit-entry"') == 2 and "虚假发货" in body


def test_an_overdue_refund_is_flagged(merchant, merchant_user):
    deposit = merchant.deposit
    deposit.status, deposit.received, deposit.refund_due = "refund_due", Decimal("20000.00"), D(2026, 9, 1)
    deposit.save()
    body = login(merchant_user).get("/settlement/deposit/", **EN).content.decode()
    assert "2026-09-01" in body and "refund-overdue" in body


def test_my_deposit_is_not_another_merchants(merchant, other_merchant, other_merchant_user):
    body = login(other_merchant_user).get("/settlement/deposit/", **EN).content.decode()
    assert body.count('class="card mb-4 deposit"') == 1
    assert f'data-deposit="{other_merchant.deposit.pk}"' in body
    assert f'data-deposit="{merchant.deposit.pk}"' not in body


def test_it_shows_my_credit_grade_and_factors(merchant, merchant_user):
    body = login(merchant_user).get("/settlement/credit/", **EN).content.decode()
    assert "credit-unrated" in body
    with timezone.override("Asia/Shanghai"):
        credit_rate_month(as_of=D(2026, 10, 1))
    rating = CreditRating.objects.get(merchant=merchant)
    assert rating.as_of == D(2026, 10, 1)
    # The rating for October is in force from 1 October: look at the page then.
    import time_machine

    with time_machine.travel(dt.datetime(2026, 10, 2, 2, tzinfo=dt.UTC), tick=False):
        body = login(merchant_user).get("/settlement/credit/", **EN).content.decode()
    assert f'data-grade="{rating.grade}"' in body
    assert f'class="credit-score">{rating.score}<' in body
    assert "Starting score" in body


def test_staff_and_strangers_are_refused_the_portal(recruiter, finance, general_manager, client):
    for user in (recruiter, finance, general_manager):
        for url in PORTAL:
            assert login(user).get(url).status_code == 403
    for url in PORTAL:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_portal_menu_has_the_money_pages(merchant, merchant_user, recruiter):
    body = login(merchant_user).get("/settlement/statements/", **EN).content.decode()
    for url in PORTAL:
        assert f'href="{url}"' in body
    staff = login(recruiter).get("/settlement/back-office/statements/", **EN).content.decode()
    assert 'href="/settlement/statements/"' not in staff


def test_my_statements_take_a_fixed_number_of_queries(merchant, merchant_user, queries):
    client = login(merchant_user)
    days = iter(D(2026, 8, 1) + dt.timedelta(days=n) for n in range(60))

    def grow():
        transaction(merchant, next(days), "12.34", f"q-{next(days)}")
        from settlement.services import settling

        settling.settle(through=D(2026, 9, 19))

    grow()
    queries.assert_constant(lambda: client.get("/settlement/statements/"), grow)


def test_credit_rule_set_is_there():
    assert CreditRuleSet.objects.exists()


def test_i_download_my_statement_as_pdf(statements, merchant_user, recruiter):
    statement = statements.last()
    response = login(merchant_user).get(f"/settlement/statements/{statement.pk}/statement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        f"statement-{statement.merchant_id}-{statement.period_start.isoformat()}.pdf"
        in (response["Content-Disposition"])
    )
    assert login(recruiter).get(f"/settlement/statements/{statement.pk}/statement.pdf").status_code == 200


def test_a_held_statement_says_why(statements, merchant_user, finance):
    from settlement.services import payouts

    statement = statements.last()
    payouts.statement_hold(statement=statement, by=finance, reason="核查交易异常")
    body = login(merchant_user).get(f"/settlement/statements/{statement.pk}/", **EN).content.decode()
    assert 'id="statement-hold"' in body and "核查交易异常" in body


def test_my_deposit_takes_a_fixed_number_of_queries(merchant, finance, merchant_user, queries):
    client = login(merchant_user)
    days = iter(range(1, 20))

    def grow():
        services.deposit_receive(
            deposit=merchant.deposit, by=finance, amount="100.00", received_on=f"2026-09-{next(days):02d}"
        )

    grow()
    queries.assert_constant(lambda: client.get("/settlement/deposit/"), grow)
