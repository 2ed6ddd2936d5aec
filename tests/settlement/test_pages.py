"""The back office's settlement pages, every role: the statements list (each in its
scope), a statement, the reconciliation export and the card-transaction import."""

import datetime as dt

import pytest

from settlement.models import Statement

from .conftest import EN, ZH
from .pages import D, login, settle_days

pytestmark = pytest.mark.django_db

LIST = "/settlement/back-office/statements/"
EXPORT = "/settlement/back-office/statements/reconciliation.xlsx"
IMPORT = "/settlement/back-office/card-transactions/import/"


@pytest.fixture
def statements(merchant, other_merchant):
    settle_days(merchant, [D(2026, 9, 2)], "111.00")
    settle_days(other_merchant, [D(2026, 9, 2)], "222.00")
    return Statement.objects.get(merchant=merchant), Statement.objects.get(merchant=other_merchant)


def shown(user):
    response = login(user).get(LIST, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    return {pk for pk in Statement.objects.values_list("pk", flat=True) if f'data-statement="{pk}"' in body}


def test_finance_the_general_manager_and_admins_see_every_statement(statements, finance, general_manager, admin_user):
    everything = {statement.pk for statement in statements}
    for user in (finance, general_manager, admin_user):
        assert shown(user) == everything


def test_recruiters_see_their_merchants_and_heads_their_department(
    statements, recruiter, second_recruiter, outside_recruiter, recruitment_head, outside_head
):
    mine, theirs = statements
    assert shown(recruiter) == {mine.pk}
    assert shown(second_recruiter) == set()
    assert shown(outside_recruiter) == {theirs.pk}
    assert shown(recruitment_head) == {mine.pk}
    assert shown(outside_head) == {theirs.pk}


def test_other_roles_are_refused_the_back_office(
    statements, merchant_user, customer_service, ops_director, dept_head, client
):
    for user in (merchant_user, customer_service, ops_director, dept_head):
        for url in (LIST, EXPORT, IMPORT):
            assert login(user).get(url).status_code == 403, (user, url)
    for url in (LIST, EXPORT, IMPORT):
        assert client.get(url).status_code == 302


def test_a_statement_out_of_a_recruiters_scope_is_a_404(statements, recruiter, outside_recruiter, finance):
    mine, theirs = statements
    assert login(recruiter).get(f"/settlement/statements/{mine.pk}/").status_code == 200
    assert login(recruiter).get(f"/settlement/statements/{theirs.pk}/").status_code == 404
    assert login(outside_recruiter).get(f"/settlement/statements/{mine.pk}/").status_code == 404
    assert login(finance).get(f"/settlement/statements/{theirs.pk}/").status_code == 200


def test_the_list_filters_by_status_month_dates_and_merchant(statements, merchant, finance):
    mine, theirs = statements
    client = login(finance)
    body = client.get(LIST, {"q": merchant.name}, **EN).content.decode()
    assert f'data-statement="{mine.pk}"' in body and f'data-statement="{theirs.pk}"' not in body
    body = client.get(LIST, {"merchant": theirs.merchant_id}, **EN).content.decode()
    assert f'data-statement="{theirs.pk}"' in body and f'data-statement="{mine.pk}"' not in body
    assert "No statements." in client.get(LIST, {"status": "paid"}, **EN).content.decode()
    assert "No statements." in client.get(LIST, {"month": "2026-08"}, **EN).content.decode()
    body = client.get(LIST, {"from": "2026-09-02", "to": "2026-09-02", "status": "payable"}, **EN).content.decode()
    assert body.count('class="statement"') == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [("month", "2026-9"), ("from", "yesterday"), ("to", "2026-02-30"), ("status", "late"), ("merchant", "x")],
)
def test_a_bad_filter_is_a_400_naming_it(statements, finance, name, value):
    response = login(finance).get(LIST, {name: value}, **EN)
    assert response.status_code == 400
    assert 'id="filter-error"' in response.content.decode()
    export = login(finance).get(EXPORT, {name: value}, **EN)
    assert export.status_code == 400 and export.content.decode().startswith(f"{name}:")


def test_dates_in_the_wrong_order_are_refused(finance):
    response = login(finance).get(LIST, {"from": "2026-09-10", "to": "2026-09-01"}, **EN)
    assert response.status_code == 400


def test_the_back_office_is_chinese_by_default_and_in_the_menu(statements, finance, recruiter):
    body = login(finance).get(LIST, **ZH).content.decode()
    assert "结算单" in body and "对账表" in body
    assert f'href="{LIST}"' in body and f'href="{IMPORT}"' in body
    recruiter_page = login(recruiter).get(LIST, **EN).content.decode()
    assert f'href="{LIST}"' in recruiter_page and f'href="{IMPORT}"' not in recruiter_page


def test_the_list_takes_a_fixed_number_of_queries(merchant, finance, queries):
    client = login(finance)
    days = iter(D(2026, 8, 1) + dt.timedelta(days=n) for n in range(40))

    def grow():
        settle_days(merchant, [next(days)], "5.00", through=D(2026, 9, 19))

    grow()
    queries.assert_constant(lambda: client.get(LIST), grow)
