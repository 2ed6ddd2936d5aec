"""The monthly referral statement as a page and a PDF: the portal's own (last month by
default, a month picker) and the staff's for the merchants they see — exactly the numbers
of ``GET /api/v1/referrals/statement/``; another merchant's statement is a 404 (page and
PDF), whoever asks."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from alliance import referrals, services
from tests.factories.workplace import make_user
from tests.pdf_text import pdf_text

from .conftest import EN, signed

API = "/api/v1/referrals/statement/"
PORTAL = "/alliance/statement/"


def login(user, **headers):
    client = Client(**headers)
    client.force_login(user)
    return client


def staff_page(merchant):
    return f"/alliance/merchants/{merchant.pk}/statement/"


def staff_pdf(merchant, month):
    return f"/alliance/merchants/{merchant.pk}/statement/{month}.pdf"


@pytest.fixture
def merchant_c(recruiter):
    return signed(recruiter, make_user("merchant", username="merchant_c"), name="丁商户")


@pytest.fixture
def referred(general_manager, recruitment_head, joined, merchant_a, merchant_b, merchant_c):
    """December: A and B referred each other, C (a third participant) sent A two customers;
    November (another activity): A sent B one customer."""
    services.activity_invite(activity=joined, by=recruitment_head, participants=[merchant_c.pk])
    services.participation_accept(activity=joined, by=merchant_c.user)
    november = services.activity_create(
        by=recruitment_head,
        title="十一月活动",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        district="颍州区",
        participants=[merchant_a.pk, merchant_b.pk],
    )
    services.participation_accept(activity=november, by=merchant_a.user)
    services.participation_accept(activity=november, by=merchant_b.user)

    def row(activity, sender, receiver, ref, spend, date):
        return {
            "activity": activity.pk,
            "from_merchant": sender.pk,
            "to_merchant": receiver.pk,
            "customer_ref": ref,
            "spend": spend,
            "date": date,
        }

    referrals.referrals_import(
        user=general_manager,
        rows=[
            row(joined, merchant_a, merchant_b, "D-1", "100.10", "2026-12-01"),  # 5.005 → 5.01
            row(joined, merchant_a, merchant_b, "D-2", "40.00", "2026-12-02"),  # 2.00
            row(joined, merchant_b, merchant_a, "D-3", "300.00", "2026-12-03"),  # 15.00
            row(joined, merchant_c, merchant_a, "D-4", "123.45", "2026-12-02"),  # 6.17
            row(joined, merchant_c, merchant_a, "D-5", "0.10", "2026-12-03"),  # 0.01
            row(november, merchant_a, merchant_b, "N-1", "60.00", "2026-11-20"),  # 3.00
        ],
    )
    return joined


def page_figures(html: str) -> dict:
    """{counterpart id or "total": {field: text}} from the page's table."""
    figures = {}
    for counterpart, row in re.findall(r'<tr[^>]*data-counterpart="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-field="([a-z_]+)">([^<]*)<', row))
        figures[counterpart] = cells
    return figures


def api_figures(data: dict) -> dict:
    figures = {
        str(line["merchant"]): {k: str(v) for k, v in line.items() if k not in ("merchant", "name")}
        for line in data["counterparts"]
    }
    figures["total"] = {k: data[k] for k in ("owed_to_merchant", "owed_by_merchant", "net")}
    return figures


def test_the_portal_page_the_pdf_and_the_api_give_the_same_numbers(
    client_for, referred, merchant_a, merchant_b, merchant_c, merchant_user
):
    api = client_for(merchant_user).get(API, {"merchant": merchant_a.pk, "month": "2026-12"}).json()
    page = login(merchant_user).get(PORTAL, {"month": "2026-12"})
    assert page.status_code == 200
    html = page.content.decode()
    assert page_figures(html) == api_figures(api)
    # The figures themselves (B: owed 7.01, owes 15.00; C: owes 6.18), against the rule.
    assert api_figures(api)[str(merchant_b.pk)]["owed_to_merchant"] == "7.01"
    assert api_figures(api)[str(merchant_b.pk)]["net"] == "-7.99"
    assert api_figures(api)[str(merchant_c.pk)]["owed_by_merchant"] == "6.18"
    assert api["net"] == "-14.17"
    assert 'href="/alliance/statement/2026-12.pdf"' in html

    pdf = login(merchant_user).get("/alliance/statement/2026-12.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert f"referral-statement-{merchant_a.pk}-2026-12.pdf" in pdf["Content-Disposition"]
    lines = pdf_text(pdf.content, layout=True).splitlines()
    for line in api["counterparts"]:
        printed = next(text for text in lines if line["name"] in text)
        expected = [
            str(line["referred_to_them"]),
            line["spend_referred_to_them"],
            line["owed_to_merchant"],
            str(line["referred_by_them"]),
            line["spend_referred_by_them"],
            line["owed_by_merchant"],
            line["net"],
        ]
        assert printed.split()[1:] == expected
    total = next(text for text in lines if "合计" in text)
    assert total.split()[1:] == [api["owed_to_merchant"], api["owed_by_merchant"], api["net"]]
    assert "甲商户" in pdf_text(pdf.content) and "2026-12" in pdf_text(pdf.content)


def test_the_staff_page_and_pdf_give_the_apis_numbers(client_for, referred, merchant_b, recruitment_head):
    api = client_for(recruitment_head).get(API, {"merchant": merchant_b.pk, "month": "2026-12"}).json()
    page = login(recruitment_head).get(staff_page(merchant_b), {"month": "2026-12"})
    assert page.status_code == 200
    assert page_figures(page.content.decode()) == api_figures(api)
    assert f'href="{staff_pdf(merchant_b, "2026-12")}"' in page.content.decode()
    pdf = login(recruitment_head).get(staff_pdf(merchant_b, "2026-12"))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content, layout=True)
    assert "乙商户" in text
    total = next(line for line in text.splitlines() if "合计" in line)
    assert total.split()[1:] == [api["owed_to_merchant"], api["owed_by_merchant"], api["net"]]


def test_the_portal_shows_last_month_by_default(referred, merchant_user, merchant_b):
    page = login(merchant_user).get(PORTAL)  # today is 2026-12-03
    html = page.content.decode()
    assert 'value="2026-11"' in html
    assert page_figures(html)[str(merchant_b.pk)]["owed_to_merchant"] == "3.00"
    assert page_figures(html)["total"] == {"owed_to_merchant": "3.00", "owed_by_merchant": "0.00", "net": "3.00"}
    assert 'href="/alliance/statement/2026-11.pdf"' in html
    assert "?month=2026-10" in html and "?month=2026-12" in html  # previous and next month


def test_a_month_without_referrals_says_so(referred, merchant_user):
    page = login(merchant_user, **EN).get(PORTAL, {"month": "2026-10"})
    assert page.status_code == 200
    assert "No referrals between you and other merchants this month." in page.content.decode()
    assert login(merchant_user).get("/alliance/statement/2026-10.pdf").status_code == 200


def test_a_bad_month_is_refused_in_chinese(referred, merchant_user, recruitment_head, merchant_a):
    page = login(merchant_user).get(PORTAL, {"month": "2026-13"})
    assert page.status_code == 400
    assert "请按 YYYY-MM 格式输入月份" in page.content.decode()
    assert 'id="statement-error"' in page.content.decode()
    assert login(recruitment_head).get(staff_page(merchant_a), {"month": "x"}).status_code == 400
    assert login(merchant_user).get("/alliance/statement/2026-13.pdf").status_code == 404
    assert login(recruitment_head).get(staff_pdf(merchant_a, "2026-00")).status_code == 404


def test_a_merchant_never_reaches_anothers_statement(referred, merchant_user, merchant_b):
    client = login(merchant_user)
    assert client.get(PORTAL, {"merchant": merchant_b.pk, "month": "2026-12"}).status_code == 404
    assert client.get("/alliance/statement/2026-12.pdf", {"merchant": merchant_b.pk}).status_code == 404
    assert client.get(PORTAL, {"merchant": "abc"}).status_code == 404
    assert client.get(staff_page(merchant_b)).status_code == 404
    assert client.get(staff_pdf(merchant_b, "2026-12")).status_code == 404


def test_the_merchants_own_statement_shows_only_counterpart_totals(referred, merchant_user, merchant_c):
    html = login(merchant_user).get(PORTAL, {"month": "2026-12"}).content.decode()
    # C's line on A's statement: what passed between A and C, nothing of C with others.
    assert "D-4" not in html and "customer_ref" not in html
    assert page_figures(html)[str(merchant_c.pk)]["referred_by_them"] == "2"


@pytest.mark.parametrize(
    ("role", "sees_a", "sees_b"),
    [
        ("recruiter", True, False),  # their own merchant only
        ("second_recruiter", False, True),
        ("recruitment_head", True, True),  # the department's
        ("general_manager", True, True),
        ("admin_user", True, True),
        ("customer_service", True, True),  # company-wide readers, as the API
        ("outside_recruiter", False, False),
        ("outside_head", False, False),
    ],
)
def test_each_role_reads_the_statements_of_merchants_in_its_scope(
    request, referred, merchant_a, merchant_b, role, sees_a, sees_b
):
    client = login(request.getfixturevalue(role))
    for merchant, sees in ((merchant_a, sees_a), (merchant_b, sees_b)):
        expected = 200 if sees else 404
        assert client.get(staff_page(merchant), {"month": "2026-12"}).status_code == expected, (role, merchant)
        assert client.get(staff_pdf(merchant, "2026-12")).status_code == expected, (role, merchant)


def test_staff_are_refused_the_portal_and_strangers_sent_to_log_in(referred, recruiter, merchant_a):
    assert login(recruiter).get(PORTAL).status_code == 403
    assert login(recruiter).get("/alliance/statement/2026-12.pdf").status_code == 403
    anonymous = Client()
    for url in (PORTAL, "/alliance/statement/2026-12.pdf", staff_page(merchant_a), staff_pdf(merchant_a, "2026-12")):
        response = anonymous.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_portal_user_with_several_merchants_picks_one(referred, merchant_user, recruiter, merchant_a):
    second = signed(recruiter, merchant_user, name="甲商户二店")
    html = login(merchant_user).get(PORTAL, {"month": "2026-12"}).content.decode()
    assert 'id="id_merchant"' in html and second.name in html
    assert f'href="/alliance/statement/2026-12.pdf?merchant={merchant_a.pk}"' in html
    own = login(merchant_user).get(PORTAL, {"month": "2026-12", "merchant": second.pk})
    assert own.status_code == 200 and 'id="statement-empty"' in own.content.decode()


def test_the_page_is_in_chinese_by_default_and_english_on_request(referred, merchant_user):
    chinese = login(merchant_user).get(PORTAL, {"month": "2026-12"}).content.decode()
    assert "引流分成结算单" in chinese and "您应收" in chinese
    english = login(merchant_user, **EN).get(PORTAL, {"month": "2026-12"}).content.decode()
    assert "Referral statement" in english and "Owed to you" in english


def test_the_menu_and_the_points_page_link_the_statement(referred, merchant_user, recruitment_head, merchant_a):
    home = login(merchant_user).get("/", follow=True).content.decode()
    assert f'href="{PORTAL}"' in home
    points = login(merchant_user).get(f"/alliance/merchants/{merchant_a.pk}/points/").content.decode()
    assert f'href="{PORTAL}?merchant={merchant_a.pk}"' in points
    staff_points = login(recruitment_head).get(f"/alliance/merchants/{merchant_a.pk}/points/").content.decode()
    assert f'href="{staff_page(merchant_a)}"' in staff_points


def test_the_page_takes_a_fixed_number_of_queries(
    referred, merchant_user, merchant_a, recruiter, recruitment_head, general_manager, queries
):
    client = login(merchant_user)
    counter = iter(range(1000))

    def grow():
        other = signed(recruiter, name=f"新商户{next(counter)}")
        services.activity_invite(activity=referred, by=recruitment_head, participants=[other.pk])
        referred.participations.filter(merchant=other).update(accepted_at=referred.created_at)
        referrals.referrals_import(
            user=general_manager,
            rows=[
                {
                    "activity": referred.pk,
                    "from_merchant": other.pk,
                    "to_merchant": merchant_a.pk,
                    "customer_ref": f"G-{other.pk}",
                    "spend": "10.00",
                    "date": "2026-12-02",
                }
            ],
        )

    queries.assert_constant(lambda: client.get(PORTAL, {"month": "2026-12"}), grow)
    assert len(page_figures(client.get(PORTAL, {"month": "2026-12"}).content.decode())) == 6  # 5 + total
    assert Decimal(page_figures(client.get(PORTAL, {"month": "2026-12"}).content.decode())["total"]["net"]) < 0
