"""Redeeming 50 credit points for one month's POS service fee of one terminal (SPEC.md §9):
the refusals (nothing saved), the page for every role, a merchant reaching for another's."""

import datetime as dt

import pytest
from django.test import Client

from alliance import redemptions
from alliance.models import PointEntry, PointReason
from compensation.models import PosFeeCredit
from tests.factories.merchants import TerminalFactory
from workplace.exceptions import ApplicationError, NotPermitted

from .conftest import EN

URL = "/alliance/merchants/{}/points/"


def login(user):
    client = Client()
    client.force_login(user)
    return client


def earned(merchant, points):
    PointEntry.objects.create(merchant=merchant, points=points, reason=PointReason.PARTICIPATION)


def pos(merchant, **fields):
    fields.setdefault("installed_on", dt.date(2026, 9, 1))
    return TerminalFactory(merchant=merchant, pays_service_fee=False, **fields)


def saved(merchant):
    return (PointEntry.objects.filter(merchant=merchant).count(), PosFeeCredit.objects.count())


def test_it_spends_50_points_on_one_terminal_month(merchant_a, merchant_user):
    earned(merchant_a, 60)
    terminal = pos(merchant_a)
    entry = redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month="2026-12")
    assert (entry.points, entry.reason) == (-50, PointReason.POS_FEE)
    assert (entry.fee_credit.terminal, entry.fee_credit.month) == (terminal, dt.date(2026, 12, 1))
    assert "alliance" in entry.fee_credit.source and entry.fee_credit.created_by == merchant_user
    assert redemptions.PointEntry.objects.filter(merchant=merchant_a).count() == 2


@pytest.mark.parametrize(
    ("balance", "terminal_of", "month", "field"),
    [
        (49, "own", "2026-12", "points"),
        (100, "other", "2026-12", "terminal"),
        (100, "own", "2026-08", "month"),  # before the installation
        (100, "own", "2026-13", "month"),
    ],
)
def test_a_refused_redemption_saves_nothing(merchant_a, merchant_b, merchant_user, balance, terminal_of, month, field):
    earned(merchant_a, balance)
    terminal = pos(merchant_a if terminal_of == "own" else merchant_b)
    with pytest.raises(ApplicationError) as refused:
        redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month=month)
    assert refused.value.field == field
    assert saved(merchant_a) == (1, 0)


def test_the_same_terminal_month_is_redeemed_once(merchant_a, merchant_user):
    earned(merchant_a, 100)
    terminal = pos(merchant_a)
    redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month="2026-12")
    with pytest.raises(ApplicationError) as refused:
        redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month="2026-12")
    assert (refused.value.field, refused.value.code) == ("month", "already_credited")
    assert saved(merchant_a) == (2, 1)
    redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month="2027-01")
    assert saved(merchant_a) == (3, 2)
    assert sum(PointEntry.objects.filter(merchant=merchant_a).values_list("points", flat=True)) == 0


def test_customer_service_may_not_redeem(merchant_a, customer_service):
    earned(merchant_a, 50)
    with pytest.raises(NotPermitted):
        redemptions.pos_fee_redeem(
            by=customer_service, merchant=merchant_a, terminal=pos(merchant_a).pk, month="2026-12"
        )


@pytest.mark.parametrize(
    ("role", "status", "redeems"),
    [
        ("merchant_user", 200, True),
        ("other_merchant_user", 404, False),
        ("recruiter", 200, True),
        ("second_recruiter", 404, False),
        ("recruitment_head", 200, True),
        ("outside_recruiter", 404, False),
        ("general_manager", 200, True),
        ("customer_service", 200, False),
    ],
)
def test_the_points_page_per_role(request, merchant_a, role, status, redeems):
    earned(merchant_a, 50)
    terminal = pos(merchant_a)
    client = login(request.getfixturevalue(role))
    page = client.get(URL.format(merchant_a.pk), **EN)
    assert page.status_code == status
    if status == 200:
        assert "Balance: 50 points" in page.content.decode()
        assert ('id="redeem-form"' in page.content.decode()) is redeems
    posted = client.post(URL.format(merchant_a.pk), {"terminal": terminal.pk, "month": "2026-12"}, **EN)
    assert posted.status_code == (302 if redeems else 403 if status == 200 else 404)
    assert PosFeeCredit.objects.filter(terminal=terminal).exists() is redeems


def test_the_page_shows_the_refusal_and_the_redeemed_month(merchant_a, merchant_user):
    earned(merchant_a, 50)
    terminal = pos(merchant_a)
    client = login(merchant_user)
    client.post(URL.format(merchant_a.pk), {"terminal": terminal.pk, "month": "2026-12"}, **EN)
    refused = client.post(URL.format(merchant_a.pk), {"terminal": terminal.pk, "month": "2027-01"}, follow=True, **EN)
    body = refused.content.decode()
    assert "Not enough credit points: the merchant has 0" in body
    assert f"{terminal.serial} · 2026-12" in body
    assert PosFeeCredit.objects.count() == 1


def test_the_points_api_names_the_redeemed_terminal_and_month(client_for, merchant_a, merchant_user):
    earned(merchant_a, 50)
    terminal = pos(merchant_a)
    redemptions.pos_fee_redeem(by=merchant_user, merchant=merchant_a, terminal=terminal.pk, month="2026-12")
    data = client_for(merchant_user).get(f"/api/v1/merchants/{merchant_a.pk}/points/").json()
    assert data["balance"] == 0
    assert data["entries"][0] | {"created_at": None} == {
        "points": -50,
        "reason": "pos_fee",
        "reason_label": data["entries"][0]["reason_label"],
        "activity": None,
        "referral": None,
        "survey": None,
        "terminal": terminal.pk,
        "month": "2026-12",
        "created_at": None,
    }
