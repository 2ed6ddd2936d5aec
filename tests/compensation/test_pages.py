"""The compensation pages (issue 9 §6): the runs list with its start form, a run with its
lines, a payslip with its explanation, one's own payslips; who sees which page and which
lines, the forms end to end (CSRF, errors in the reader's language), both languages and
the queries. The year-end allocation form: tests/compensation/test_pages_allocation.py."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from compensation.models import PayrollLine, PayrollRun, ProfitRecord
from compensation.services.runs import payroll_run_compute, payroll_run_finalize, payroll_run_start
from tests.factories.compensation import pay_profile, signed_merchant, terminal
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

RUNS = "/compensation/runs/"
MINE = "/compensation/payslips/"
FORBIDDEN = "您没有执行该操作的权限。"


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def web():
    def sign_in(user=None, language=None, **options):
        client = Client(HTTP_ACCEPT_LANGUAGE=language, **options) if language else Client(**options)
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def june(recruiter, second_recruiter, outside_recruiter):
    """June's inputs: two recruiters of the head's department, one outside it."""
    pay_profile(recruiter, base="4000.00", allowance="300.00")
    pay_profile(second_recruiter, base="3500.00")
    pay_profile(outside_recruiter, base="3800.00")
    signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1), merchant_class="I", name="好味餐厅")
    signed_merchant(recruiter, signed_on=dt.date(2026, 6, 30), merchant_class="II")
    merchant = signed_merchant(second_recruiter, signed_on=dt.date(2026, 3, 1))
    terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-06": "20.00"})


@pytest.fixture
def final_june(june, general_manager):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    return payroll_run_finalize(run=run, by=general_manager)


def text(response) -> str:
    return response.content.decode()


def run_url(run, suffix=""):
    return f"{RUNS}{run.pk}/{suffix}"


def payslip_url(run, username):
    return f"{RUNS}{run.pk}/payslips/{username}/"


def row(content: str, element_id: str) -> str:
    """The ``<tr id=…>`` row of a table, as text."""
    match = re.search(rf'<tr id="{re.escape(element_id)}">(.*?)</tr>', content, re.S)
    assert match, f"no row {element_id}"
    return match.group(1)


def cells(content: str, element_id: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row(content, element_id), re.S)
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Every role on every page ------------------------------------------------------------

ROLES = [
    "general_manager",
    "admin_user",
    "recruitment_head",
    "outside_head",
    "recruiter",
    "second_recruiter",
    "ops_director",
    "customer_service",
    "dept_head",
    "merchant_user",
]
RUN_VIEWERS = {"general_manager", "admin_user", "recruitment_head", "outside_head"}
# Who reads the recruiter's June payslip: themself, their head, the whole company's pay.
READS_THE_PAYSLIP = {"general_manager", "admin_user", "recruitment_head", "recruiter"}


def expected(role, page):
    if role == "merchant_user":
        return 403
    if page in ("runs", "run"):
        return 200 if role in RUN_VIEWERS else 403
    if page == "payslip":
        return 200 if role in READS_THE_PAYSLIP else 404
    return 200  # one's own payslips: anyone on the staff


@pytest.mark.parametrize("view", ["runs", "run", "payslip", "mine"])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_page(request, web, final_june, role, view):
    url = {"runs": RUNS, "run": run_url(final_june), "payslip": payslip_url(final_june, "recruiter"), "mine": MINE}[
        view
    ]

    response = web(request.getfixturevalue(role)).get(url)

    assert response.status_code == expected(role, view)
    content = text(response)
    if response.status_code == 403:
        assert FORBIDDEN in content
    if response.status_code >= 400:
        assert "4300.00" not in content and "好味餐厅" not in content


@pytest.mark.parametrize(
    "url",
    [
        RUNS,
        MINE,
        "/compensation/runs/1/",
        "/compensation/runs/1/payslips/recruiter/",
        "/compensation/runs/1/allocation/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login(web, url):
    response = web().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_anonymous_posts_change_nothing(web, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    for url in (RUNS, run_url(run, "recompute/"), run_url(run, "finalize/")):
        response = web().post(url, {"kind": "monthly", "period": "2026-05"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert list(PayrollRun.objects.values_list("period", "status")) == [("2026-06", "draft")]


# --- The runs list -------------------------------------------------------------------------


def test_the_list_shows_each_run_with_its_kind_period_status_and_preview(web, general_manager, final_june):
    draft, _ = payroll_run_start(kind="monthly", period="2026-07")  # the current month: a preview
    quarter, _ = payroll_run_start(kind="quarterly", period="2026-Q2")

    content = text(web(general_manager, "en").get(RUNS))

    assert cells(content, f"run-{draft.pk}")[:3] == ["Monthly payroll", "2026-07", "Draft Preview"]
    assert cells(content, f"run-{final_june.pk}")[:3] == ["Monthly payroll", "2026-06", "Final"]
    assert cells(content, f"run-{quarter.pk}")[:3] == ["Quarterly bonus", "2026-Q2", "Draft"]
    assert (
        cells(content, f"run-{final_june.pk}")[3]
        == f"{final_june.computed_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}"
    )
    # Newest period first.
    assert content.index(f'id="run-{draft.pk}"') < content.index(f'id="run-{final_june.pk}"')
    assert content.index(f'id="run-{final_june.pk}"') < content.index(f'id="run-{quarter.pk}"')
    assert f'href="{run_url(draft)}"' in content
    # The start form, last month filled in.
    assert 'id="run-start"' in content and 'name="csrfmiddlewaretoken"' in content
    assert 'value="2026-06"' in content


def test_the_list_speaks_chinese_by_default(web, recruitment_head, final_june):
    content = text(web(recruitment_head).get(RUNS))
    assert '<html lang="zh-hans">' in content
    assert cells(content, f"run-{final_june.pk}")[:3] == ["月度薪资", "2026-06", "已定稿"]
    assert "<th>类型</th><th>期间</th><th>状态</th>" in content


# --- Starting a run -------------------------------------------------------------------------


def test_the_head_starts_a_run_and_is_taken_to_it(web, recruitment_head, june):
    client = web(recruitment_head, "en")

    response = client.post(RUNS, {"kind": "monthly", "period": "2026-06"}, follow=True)

    run = PayrollRun.objects.get()
    assert (run.kind, run.period, run.created_by) == ("monthly", "2026-06", recruitment_head)
    assert response.redirect_chain == [(run_url(run), 302)]
    assert messages_of(response) == ["Monthly payroll 2026-06 started and computed."]
    content = text(response)
    assert cells(content, "line-recruiter")[2:] == [
        "4000.00",
        "300.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "4300.00",
        "6.00",
    ]


def test_starting_an_existing_run_opens_it_with_a_message(web, recruitment_head, general_manager, final_june):
    response = web(general_manager, "en").post(RUNS, {"kind": "monthly", "period": "2026-06"}, follow=True)

    assert response.redirect_chain == [(run_url(final_june), 302)]
    assert messages_of(response) == ["Monthly payroll 2026-06 already exists; here it is."]
    assert PayrollRun.objects.count() == 1
    assert PayrollRun.objects.get().status == "final"


@pytest.mark.parametrize(
    ("data", "field", "english", "chinese"),
    [
        (
            {"kind": "monthly", "period": "2026-13"},
            "period",
            "The month must be between 01 and 12.",
            "月份须在 01 到 12 之间。",
        ),
        ({"kind": "monthly", "period": "2026-08"}, "period", "2026-08 has not begun yet", "2026-08"),
        ({"kind": "quarterly", "period": "2026-06"}, "period", "needs a period like “2026-Q3”", "2026-Q3"),
        ({"kind": "monthly", "period": ""}, "period", "This field is required.", "该字段是必填项。"),
        ({"kind": "weekly", "period": "2026-06"}, "kind", "Select a valid choice.", "选择一个有效的选项"),
    ],
)
def test_a_bad_start_shows_the_error_at_its_field_in_the_readers_language(
    web, recruitment_head, data, field, english, chinese
):
    for language, words in (("en", english), ("zh-hans", chinese)):
        response = web(recruitment_head, language).post(RUNS, data)

        assert response.status_code == 400
        content = text(response)
        assert f'id="id_{field}"' in content and 'aria-invalid="true"' in content
        feedback = re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', content)
        assert any(words in message.replace("&ldquo;", "“").replace("&rdquo;", "”") for message in feedback), feedback
    assert not PayrollRun.objects.exists()


def test_the_start_needs_the_csrf_token(web, recruitment_head, june):
    client = web(recruitment_head, enforce_csrf_checks=True)

    refused = client.post(RUNS, {"kind": "monthly", "period": "2026-06"})
    assert refused.status_code == 403
    assert not PayrollRun.objects.exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(client.get(RUNS))).group(1)
    accepted = client.post(RUNS, {"kind": "monthly", "period": "2026-06", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert PayrollRun.objects.count() == 1


@pytest.mark.parametrize("role", ["recruiter", "ops_director", "customer_service", "dept_head", "merchant_user"])
def test_who_sees_no_runs_starts_none(request, web, june, role):
    response = web(request.getfixturevalue(role)).post(RUNS, {"kind": "monthly", "period": "2026-06"})
    assert response.status_code == 403
    assert not PayrollRun.objects.exists()


# --- A run ----------------------------------------------------------------------------------


def test_the_head_reads_only_their_departments_lines(web, recruitment_head, outside_head, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")

    mine = text(web(recruitment_head).get(run_url(run)))
    theirs = text(web(outside_head).get(run_url(run)))
    everything = text(web(general_manager).get(run_url(run)))

    def staff(content):
        return re.findall(r'<tr id="line-([^"]+)">', content)

    assert staff(mine) == ["recruiter", "recruiter_b"]
    assert staff(theirs) == ["recruiter_east"]
    assert staff(everything) == ["recruiter", "recruiter_b", "recruiter_east"]
    assert "4300.00" not in theirs and "好味餐厅" not in theirs
    # The shortfall, the assessment pay below 6 points, and the department's sum.
    assert cells(mine, "line-recruiter_b")[2:] == [
        "3500.00",
        "0.00",
        "0.00",
        "-300.00",
        "-30.00",
        "0.00",
        "0.00",
        "0.00",
        "3170.00",
        "0.00",
    ]
    totals = re.search(r'<tr class="fw-semibold" id="line-totals">(.*?)</tr>', mine, re.S).group(1)
    assert "7470.00" in totals and "11270.00" not in totals
    everyone = re.search(r'<tr class="fw-semibold" id="line-totals">(.*?)</tr>', everything, re.S).group(1)
    assert f"{sum(PayrollLine.objects.filter(run=run).values_list('total', flat=True)):.2f}" in everyone
    assert "7470.00" not in everyone


def test_the_run_page_links_each_payslip_and_the_export(web, recruitment_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")

    content = text(web(recruitment_head, "en").get(run_url(run)))

    assert f'href="{payslip_url(run, "recruiter")}"' in content
    assert f'href="{payslip_url(run, "recruiter_b")}"' in content
    assert f'href="/api/v1/payroll-runs/{run.pk}/export.xlsx" id="export-link"' in content
    assert 'id="preview-banner"' not in content
    assert f'action="{run_url(run, "recompute/")}"' in content
    assert f'action="{run_url(run, "finalize/")}"' in content
    assert "allocation-link" not in content  # a monthly run has no pool


def test_a_file_link_is_hidden_while_its_route_does_not_exist(monkeypatch):
    from compensation import views

    assert views.file_url("api-payroll-run-export", 1) == "/api/v1/payroll-runs/1/export.xlsx"
    assert views.file_url("api-no-such-route", 1) == ""


def test_a_final_run_offers_neither_recompute_nor_finalise(web, general_manager, final_june):
    content = text(web(general_manager, "en").get(run_url(final_june)))
    assert "recompute/" not in content and "finalize/" not in content
    assert 'data-status="final"' in content and ">Final</span>" in content


def test_the_run_page_in_english_and_chinese(web, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    english = text(web(general_manager, "en").get(run_url(run)))
    chinese = text(web(general_manager, "zh-hans").get(run_url(run)))
    for label in (
        "Base salary",
        "Allowance",
        "Position allowance",
        "Assessment pay",
        "POS shortfall",
        "Total",
        "Points",
    ):
        assert f'<th class="money">{label}</th>' in english
    assert '<h1 class="h3 mb-1">Monthly payroll 2026-06</h1>' in english
    for label in (
        "基本工资",
        "补贴",
        "岗位津贴",
        "考核工资",
        "POS 分润不足扣款",
        "奖金",
        "调整",
        "合计",
    ):
        assert f'<th class="money">{label}</th>' in chinese
    # Some labels come from an earlier app's catalogue; none is left in English.
    headers = re.findall(r'<th class="money">([^<]+)</th>', chinese)
    assert len(headers) == 10 and not [label for label in headers if re.search(r"[a-z]", label)]
    assert '<h1 class="h3 mb-1">月度薪资 2026-06</h1>' in chinese
    assert "Base salary" not in chinese and "Complaint penalties" not in chinese


def test_a_run_one_may_not_open_is_a_404_or_403(web, recruiter, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    assert web(general_manager).get(run_url(run).replace(str(run.pk), str(run.pk + 99))).status_code == 404
    assert web(recruiter).get(run_url(run)).status_code == 403


# --- Recompute and finalise -----------------------------------------------------------------


def test_recompute_takes_todays_inputs(web, recruitment_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    ProfitRecord.objects.update(profit=Decimal("50.00"))

    response = web(recruitment_head, "en").post(run_url(run, "recompute/"), follow=True)

    assert response.redirect_chain == [(run_url(run), 302)]
    assert messages_of(response) == ["Monthly payroll 2026-06 recomputed from today's figures."]
    assert cells(text(response), "line-recruiter_b")[6] == "0.00"
    assert PayrollLine.objects.get(run=run, staff__username="recruiter_b").pos_shortfall == 0


def test_the_general_manager_finalises_and_the_run_is_locked(web, general_manager, recruitment_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    client = web(general_manager, "en")

    final = client.post(run_url(run, "finalize/"), {"reason": "checked"}, follow=True)

    run.refresh_from_db()
    assert run.status == "final" and run.finalized_by == general_manager
    assert run.status_changes.order_by("pk").last().reason == "checked"
    assert messages_of(final) == ["Monthly payroll 2026-06 is final and locked."]
    assert 'data-status="final"' in text(final)

    again = client.post(run_url(run, "finalize/"), follow=True)
    locked = web(recruitment_head, "en").post(run_url(run, "recompute/"), follow=True)
    assert again.status_code == locked.status_code == 200
    assert messages_of(again) == ["This run is already final."]
    assert messages_of(locked) == ["This run is final and locked; a correction is an adjustment in a later run."]
    assert PayrollLine.objects.get(run=run, staff__username="recruiter").total == Decimal("4300.00")


def test_a_preview_shows_a_banner_and_refuses_to_be_finalised(web, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-07")
    client = web(general_manager, "en")

    page = text(client.get(run_url(run)))
    assert 'id="preview-banner"' in page and "2026-07 has not ended" in page
    assert "finalize/" not in page  # no button; posting anyway is refused with a message

    refused = client.post(run_url(run, "finalize/"), follow=True)

    assert refused.status_code == 200
    assert messages_of(refused) == ["2026-07 has not ended: this run is a preview and cannot be finalised."]
    run.refresh_from_db()
    assert run.status == "draft"


def test_a_chinese_refusal_is_a_chinese_message(web, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-07")
    refused = web(general_manager).post(run_url(run, "finalize/"), follow=True)
    (message,) = messages_of(refused)
    assert "2026-07" in message and "not ended" not in message


def test_figures_computed_before_the_period_ended_must_be_recomputed(web, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-07")  # computed on 5 July
    with time_machine.travel(dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC), tick=False):
        client = web(general_manager, "en")
        page = text(client.get(run_url(run)))
        assert 'id="stale-banner"' in page and 'id="preview-banner"' not in page

        refused = client.post(run_url(run, "finalize/"), follow=True)
        assert messages_of(refused) == [
            "These figures were computed before 2026-07 ended; recompute the run before finalising it."
        ]
        run.refresh_from_db()
        assert run.status == "draft"

        client.post(run_url(run, "recompute/"))
        final = client.post(run_url(run, "finalize/"), follow=True)
        assert messages_of(final) == [
            "Monthly payroll 2026-07 recomputed from today's figures.",
            "Monthly payroll 2026-07 is final and locked.",
        ]


def test_only_managers_recompute_and_finalise(web, recruiter, merchant_user, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    for user in (recruiter, merchant_user):
        assert web(user).post(run_url(run, "recompute/")).status_code == 403
        assert web(user).post(run_url(run, "finalize/")).status_code == 403
    run.refresh_from_db()
    assert run.status == "draft"


def test_the_actions_take_only_posts(web, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    computed_at = run.computed_at
    assert web(general_manager).get(run_url(run, "recompute/")).status_code == 405
    assert web(general_manager).get(run_url(run, "finalize/")).status_code == 405
    run.refresh_from_db()
    assert (run.status, run.computed_at) == ("draft", computed_at)


# --- Payslips --------------------------------------------------------------------------------


def test_the_payslip_explains_each_field_with_links_to_the_sources(web, recruiter, final_june):
    response = web(recruiter, "en").get(payslip_url(final_june, "recruiter"))

    assert response.status_code == 200
    content = text(response)
    assert '<span class="h4 mb-0 money" id="payslip-total">4300.00</span>' in content
    sections = re.findall(r'<section class="card mb-3" id="field-([a-z_]+)">', content)
    assert sections == ["points", "base_salary", "allowance", "assessment_pay"]
    points = content[content.index('id="field-points"') : content.index('id="field-base_salary"')]
    merchant = final_june.lines.get(staff=recruiter).items.get(kind="signing", data__merchant="好味餐厅").source_id
    assert f'<a href="/admin/merchants/merchant/{merchant}/change/">Signed 好味餐厅, class I</a>' in points
    assert "4.00 points" in points and "2.00 points" in points
    assert "Assessment pay for 6.00 points" in content
    assert f'href="/api/v1/payroll-runs/{final_june.pk}/payslips/recruiter.pdf" id="pdf-link"' in content
    assert f'href="{MINE}">' in content  # back to one's own payslips


def test_the_payslip_in_chinese(web, recruiter, final_june):
    content = text(web(recruiter).get(payslip_url(final_june, "recruiter")))
    assert "签约 好味餐厅，一类" in content
    assert '<h2 class="h6 mb-0">基本工资</h2>' in content
    assert "Signed" not in content


def test_a_recruiter_reads_only_their_own_final_payslips(web, recruiter, general_manager, final_june):
    may, _ = payroll_run_start(kind="monthly", period="2026-05")  # a draft: no payslip yet
    client = web(recruiter)
    assert client.get(payslip_url(final_june, "recruiter_b")).status_code == 404
    assert client.get(payslip_url(may, "recruiter")).status_code == 404
    assert client.get(payslip_url(final_june, "nobody")).status_code == 404
    assert client.get(f"{RUNS}{final_june.pk + 99}/payslips/recruiter/").status_code == 404


def test_my_payslips_lists_the_callers_final_lines(web, recruiter, second_recruiter, general_manager, final_june):
    payroll_run_start(kind="monthly", period="2026-05")  # a draft stays out

    content = text(web(recruiter, "en").get(MINE))

    assert re.findall(r'<tr id="payslip-(\d+)">', content) == [str(final_june.pk)]
    assert cells(content, f"payslip-{final_june.pk}")[:3] == ["Monthly payroll", "2026-06", "4300.00"]
    assert f'href="{payslip_url(final_june, "recruiter")}"' in content
    assert f'href="/api/v1/payroll-runs/{final_june.pk}/payslips/recruiter.pdf"' in content
    theirs = text(web(second_recruiter, "en").get(MINE))
    assert cells(theirs, f"payslip-{final_june.pk}")[2] == "3170.00" and "4300.00" not in theirs


def test_someone_without_pay_has_an_empty_list(web, customer_service, final_june):
    content = text(web(customer_service, "en").get(MINE))
    assert "No payslips yet" in content and "payslip-" not in content.replace('id="payslip-table"', "")


# --- The menu ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        ("general_manager", ["/compensation/payslips/", "/compensation/runs/"]),
        ("admin_user", ["/compensation/payslips/", "/compensation/runs/"]),
        ("recruitment_head", ["/compensation/payslips/", "/compensation/runs/"]),
        ("recruiter", ["/compensation/payslips/"]),
        ("customer_service", ["/compensation/payslips/"]),
        ("merchant_user", []),
    ],
)
def test_the_menu_offers_the_pages_each_role_may_open(request, web, role, entries):
    from workplace.navigation import navigation_for

    user = request.getfixturevalue(role)
    urls = [item["url"] for item in navigation_for(user) if item["url"].startswith("/compensation/")]
    assert urls == entries
    for url in entries:
        assert web(user).get(url).status_code == 200


# --- Queries ------------------------------------------------------------------------------------


@pytest.fixture
def grow_june(recruitment_head):
    """More recruiters in the head's department with June pay, then June recomputed."""
    made = {"n": 0}

    def grow(run):
        made["n"] += 1
        user = make_user("recruiter", username=f"more{made['n']}", department=recruitment_head.staff_profile.department)
        pay_profile(user, base="3000.00")
        signed_merchant(user, signed_on=dt.date(2026, 6, 10))
        signed_merchant(user, signed_on=dt.date(2026, 6, 11))
        payroll_run_compute(run=run, force=True)

    return grow


def test_the_run_page_costs_the_same_with_more_lines(web, general_manager, queries, june, grow_june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    client = web(general_manager)
    client.get(run_url(run))
    # Session, user, roles, run, its lines with staff and department, the perms (user's,
    # groups'), the unread notifications.
    queries.assert_constant(lambda: client.get(run_url(run)), lambda: grow_june(run), expected=8)
    assert len(re.findall(r'<tr id="line-', text(client.get(run_url(run))))) == 6


def test_the_payslip_costs_the_same_with_more_items(web, general_manager, recruiter, queries, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    client = web(general_manager)

    def grow():
        signed_merchant(recruiter, signed_on=dt.date(2026, 6, 12))
        payroll_run_compute(run=run, force=True)

    # Session, user, roles, the run, the line with staff and department, its items, the
    # unread notifications.
    queries.assert_constant(lambda: client.get(payslip_url(run, "recruiter")), grow, expected=7)
    assert text(client.get(payslip_url(run, "recruiter"))).count('class="explanation-item"') == 8


def test_the_lists_cost_the_same_with_more_runs(web, general_manager, recruiter, queries, final_june):
    months = iter(["2026-05", "2026-04", "2026-03", "2026-02", "2026-01", "2025-12"])
    runs_page, slips = web(general_manager), web(recruiter)

    def grow():
        run, _ = payroll_run_start(kind="monthly", period=next(months))
        PayrollLine.objects.filter(run=run).delete()
        PayrollLine.objects.create(run=run, staff=recruiter, total=Decimal("100.00"))
        payroll_run_finalize(run=run, by=general_manager)

    # Session, user, roles, the perms (user's, groups'), the count, the page of runs,
    # the unread notifications.
    queries.assert_constant(lambda: runs_page.get(RUNS), grow, expected=8)
    # Session, user, roles, the count, the page of lines with their runs, notifications.
    queries.assert_constant(lambda: slips.get(MINE), grow, expected=6)
    assert len(re.findall(r'<tr id="payslip-', text(slips.get(MINE)))) == 7


# --- No 500 from any input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{RUNS}{10**30}/",
        f"{RUNS}{10**30}/payslips/recruiter/",
        f"{RUNS}{10**30}/allocation/",
        f"{RUNS}1/payslips/re%00cruiter/",
        f"{RUNS}1/payslips/{'x' * 300}/",
    ],
)
def test_odd_addresses_are_404s(web, general_manager, final_june, url):
    assert web(general_manager).get(url.replace("/1/", f"/{final_june.pk}/")).status_code == 404


@pytest.mark.parametrize("period", ["2026-06\x00", "9" * 50, "2026-6", "<script>"])
def test_odd_periods_are_form_errors(web, general_manager, period):
    response = web(general_manager).post(RUNS, {"kind": "monthly", "period": period})
    assert response.status_code == 400
    assert "<script>" not in text(response).split("<main", 1)[1]
    assert not PayrollRun.objects.exists()


# --- Bonus payslips ------------------------------------------------------------------------------


def test_a_quarterly_payslip_explains_the_bonus_by_merchant_and_rate(web, recruitment_head, recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 10), name="一号店")
    terminal(
        merchant, installed_on=dt.date(2025, 12, 1), profits=dict.fromkeys(("2026-04", "2026-05", "2026-06"), "300.00")
    )
    run, _ = payroll_run_start(kind="quarterly", period="2026-Q2")
    line = PayrollLine.objects.get(run=run, staff=recruiter)

    content = text(web(recruitment_head, "en").get(payslip_url(run, "recruiter")))

    assert re.findall(r'<section class="card mb-3" id="field-([a-z_]+)">', content) == ["bonus"]
    bonus = content[content.index('id="field-bonus"') :]
    assert f'<span class="money fw-semibold">{line.bonus}</span>' in bonus
    assert f'<a href="/admin/merchants/merchant/{merchant.pk}/change/">一号店: terminal profit 900.00</a>' in bonus
    assert "Quarterly bonus: profit 900.00 over 3 merchant-months" in bonus
    assert f'id="payslip-total">{line.total}</span>' in content


def test_a_head_reads_no_payslip_of_another_department(web, recruitment_head, outside_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    assert web(recruitment_head).get(payslip_url(run, "recruiter_east")).status_code == 404
    assert web(outside_head).get(payslip_url(run, "recruiter")).status_code == 404
    assert web(outside_head).get(payslip_url(run, "recruiter_east")).status_code == 200
    # A head reads a draft's payslip of their department, marked as not final.
    content = text(web(recruitment_head, "en").get(payslip_url(run, "recruiter")))
    assert 'data-status="draft"' in content and f'href="{run_url(run)}">' in content
