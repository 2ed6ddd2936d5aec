"""Finance pays, holds and releases a statement from its page (the payouts services): on
or after its payable day, a hold with a reason, a release; other roles 403, another
merchant's or a recruiter's out-of-scope statement 404, a move the state refuses 409."""

import pytest

from settlement.models import Statement, StatementStatus

from .conftest import EN, ZH
from .pages import D, login, settle_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(merchant):
    settle_days(merchant, [D(2026, 9, 2)], "300.00")
    statement = Statement.objects.get(merchant=merchant)
    assert statement.payable_on == D(2026, 9, 17) and statement.status == StatementStatus.PAYABLE
    return statement


def url(statement, move=""):
    return f"/settlement/statements/{statement.pk}/{move + '/' if move else ''}"


def test_finance_pays_a_statement_due(statement, finance):
    client = login(finance)
    page = client.get(url(statement), **EN).content.decode()
    assert 'id="pay-form"' in page and 'id="hold-form"' in page
    response = client.post(url(statement, "pay"), follow=True, **EN)
    assert "Payout recorded." in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID and statement.paid_by == finance
    again = client.post(url(statement, "pay"), **EN)
    assert again.status_code == 409 and 'id="move-error"' in again.content.decode()


def test_not_before_its_payable_day(merchant, finance):
    settle_days(merchant, [D(2026, 9, 19)], "10.00")
    statement = Statement.objects.get(merchant=merchant)
    client = login(finance)
    assert "disabled" in client.get(url(statement), **EN).content.decode()
    response = client.post(url(statement, "pay"), **EN)
    assert response.status_code == 409
    assert "not before" in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYABLE


def test_finance_holds_with_a_reason_and_releases(statement, finance):
    client = login(finance)
    refused = client.post(url(statement, "hold"), {"reason": "  "}, **EN)
    assert refused.status_code == 400 and "Please give a reason." in refused.content.decode()
    client.post(url(statement, "hold"), {"reason": "核查交易"}, **EN)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.HELD and statement.hold_note == "核查交易"
    assert 'id="release-form"' in client.get(url(statement), **EN).content.decode()
    client.post(url(statement, "release"), **EN)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYABLE


def test_other_roles_may_not_move_money(
    statement, general_manager, admin_user, recruiter, recruitment_head, merchant_user
):
    for user in (general_manager, admin_user, recruiter, recruitment_head, merchant_user):
        client = login(user)
        assert 'id="statement-moves"' not in client.get(url(statement)).content.decode()
        for move in ("pay", "hold", "release"):
            assert client.post(url(statement, move), {"reason": "x"}).status_code == 403, (user, move)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYABLE


def test_out_of_sight_is_a_404_and_get_is_refused(statement, outside_recruiter, other_merchant_user, finance):
    assert login(outside_recruiter).post(url(statement, "pay")).status_code == 404
    assert login(other_merchant_user).post(url(statement, "pay")).status_code == 404
    assert login(finance).get(url(statement, "pay")).status_code == 405


def test_the_moves_are_chinese_by_default(statement, finance):
    assert "暂扣" in login(finance).get(url(statement), **ZH).content.decode()
