"""``/api/v1/payroll-runs/`` and ``/api/v1/payslips/`` (API.md "Compensation"): start
once, detail with explanation, recompute, finalise (409 after), correct, the files, and
who sees what."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from compensation.models import Adjustment, PayrollRun, ProfitRecord
from compensation.services.runs import payroll_run_finalize, payroll_run_start
from tests.factories.compensation import pay_profile, signed_merchant, terminal
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

LIST = "/api/v1/payroll-runs/"


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


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


def detail_url(run, suffix=""):
    return f"{LIST}{run.pk}/{suffix}"


def line_of(body, username):
    return next(line for line in body["lines"] if line["staff"] == username)


# --- Start ---------------------------------------------------------------------------


def test_starting_a_run_answers_201_then_200_with_the_same_run(client_for, recruitment_head, june):
    client = client_for(recruitment_head)

    first = client.post(LIST, {"kind": "monthly", "period": "2026-06"}, format="json")
    again = client.post(LIST, {"period": "2026-06"}, format="json")  # kind defaults to monthly

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert PayrollRun.objects.count() == 1
    body = first.json()
    assert (body["kind"], body["period"], body["status"], body["preview"]) == ("monthly", "2026-06", "draft", False)
    line = line_of(body, "recruiter")
    assert line["points"] == "6.00"
    assert line["base_salary"] == "4000.00"
    assert line["allowance"] == "300.00"
    assert line["assessment_pay"] == "0.00"
    assert line["total"] == "4300.00"
    whats = [item["what"] for item in line["explanation"]]
    assert any("好味餐厅" in what for what in whats)
    signing = next(item for item in line["explanation"] if item["kind"] == "signing")
    assert signing["field"] == "points" and signing["points"] == "4.00" and signing["amount"] is None
    assert signing["source"]["type"] == "merchants.merchant"
    assert signing["source"]["url"].startswith("/admin/merchants/merchant/")
    shortfall = line_of(body, "recruiter_b")
    assert shortfall["pos_shortfall"] == "-30.00"
    assert shortfall["assessment_pay"] == "-300.00"  # 0 points: 6 below 6 at −50
    assert shortfall["total"] == "3170.00"


def test_the_head_reads_only_their_departments_lines(client_for, recruitment_head, outside_head, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")

    mine = client_for(recruitment_head).get(detail_url(run)).json()
    theirs = client_for(outside_head).get(detail_url(run)).json()
    everything = client_for(general_manager).get(detail_url(run)).json()

    assert sorted(line["staff"] for line in mine["lines"]) == ["recruiter", "recruiter_b"]
    assert [line["staff"] for line in theirs["lines"]] == ["recruiter_east"]
    assert sorted(line["staff"] for line in everything["lines"]) == ["recruiter", "recruiter_b", "recruiter_east"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "weekly", "period": "2026-06"}, "kind", "weekly"),
        ({"kind": "monthly"}, "period", "required"),
        ({"kind": "monthly", "period": "2026-13"}, "period", "01 and 12"),
        ({"kind": "monthly", "period": "2026-Q2"}, "period", "2026-10"),
        ({"kind": "quarterly", "period": "2026-06"}, "period", "Q"),
        ({"kind": "monthly", "period": "2026-08"}, "period", "not begun"),
        ({"kind": "year_end", "period": "1999"}, "period", "2026"),
        ({"kind": ["monthly"], "period": "2026-06"}, "kind", ""),
        ({"kind": "monthly", "period": {"a": 1}}, "period", ""),
    ],
)
def test_a_bad_start_is_a_400_naming_the_field(client_for, recruitment_head, body, field, words):
    response = client_for(recruitment_head).post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert words in " ".join(response.json()[field])
    assert PayrollRun.objects.count() == 0


def test_the_error_is_in_chinese_by_default(client_for, recruitment_head):
    response = client_for(recruitment_head).post(LIST, {"period": "2026-13"}, format="json")
    assert response.status_code == 400
    assert "01" in response.json()["period"][0] and "月" in response.json()["period"][0]


def test_the_current_month_is_a_preview_that_cannot_be_finalised(client_for, recruitment_head, general_manager, june):
    started = client_for(recruitment_head).post(LIST, {"period": "2026-07"}, format="json")
    assert started.status_code == 201 and started.json()["preview"] is True
    run = PayrollRun.objects.get()

    refused = client_for(general_manager).post(detail_url(run, "finalize/"), {}, format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "preview"
    run.refresh_from_db()
    assert run.status == "draft"


# --- Recompute, finalise, correct ------------------------------------------------------


def test_recompute_takes_todays_inputs_and_final_locks_the_run(client_for, recruitment_head, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    record = ProfitRecord.objects.get()
    record.profit = Decimal("50.00")
    record.save()

    recomputed = client_for(recruitment_head).post(detail_url(run, "recompute/"), {}, format="json")
    assert recomputed.status_code == 200
    assert line_of(recomputed.json(), "recruiter_b")["pos_shortfall"] == "0.00"

    final = client_for(general_manager).post(detail_url(run, "finalize/"), {"reason": "checked"}, format="json")
    assert final.status_code == 200 and final.json()["status"] == "final"

    again = client_for(general_manager).post(detail_url(run, "finalize/"), {}, format="json")
    locked = client_for(recruitment_head).post(detail_url(run, "recompute/"), {}, format="json")
    assert again.status_code == 409
    assert locked.status_code == 409
    assert "final" in locked.json()["detail"] or "锁定" in locked.json()["detail"]


def test_a_correction_of_a_final_run_is_an_adjustment_in_a_later_month(client_for, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=run, by=general_manager)
    record = ProfitRecord.objects.get()
    record.profit = Decimal("45.00")  # a late import: the shortfall was 30.00, is 5.00
    record.save()

    response = client_for(general_manager).post(detail_url(run, "correct/"), {"reason": "late POS data"}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["adjustments"] == [
        {"staff": "recruiter_b", "month": "2026-07", "amount": "25.00", "reason": "late POS data"}
    ]
    assert Adjustment.objects.get().corrects == run
    # The final run itself is untouched.
    detail = client_for(general_manager).get(detail_url(run)).json()
    assert line_of(detail, "recruiter_b")["pos_shortfall"] == "-30.00"


def test_recruiters_may_not_start_or_finalise(client_for, recruiter, recruitment_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    client = client_for(recruiter)
    assert client.post(LIST, {"period": "2026-05"}, format="json").status_code == 403
    assert client.post(detail_url(run, "finalize/"), {}, format="json").status_code == 403
    assert client.post(detail_url(run, "recompute/"), {}, format="json").status_code == 403
    assert PayrollRun.objects.count() == 1


# --- Who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "listing", "starting"),
    [
        ("general_manager", 200, 201),
        ("admin_user", 200, 201),
        ("recruitment_head", 200, 201),
        ("outside_head", 200, 201),
        ("recruiter", 403, 403),
        ("ops_director", 403, 403),
        ("customer_service", 403, 403),
        ("dept_head", 403, 403),
        ("merchant_user", 403, 403),
    ],
)
def test_roles_on_the_runs_endpoints(request, client_for, role, listing, starting):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(LIST).status_code == listing
    assert client.post(LIST, {"period": "2026-06"}, format="json").status_code == starting


def test_anonymous_is_refused(api_client):
    assert api_client.get(LIST).status_code in (401, 403)
    assert api_client.get("/api/v1/payslips/").status_code in (401, 403)


def test_the_list_filters_by_kind_and_status(client_for, general_manager, june):
    payroll_run_start(kind="monthly", period="2026-05")
    june_run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_start(kind="quarterly", period="2026-Q2")
    payroll_run_finalize(run=june_run, by=general_manager)
    client = client_for(general_manager)

    everything = client.get(LIST).json()
    final = client.get(LIST, {"status": "final"}).json()
    quarterly = client.get(LIST, {"kind": "quarterly"}).json()

    # Newest period first: a quarter starts before its last months.
    assert [run["period"] for run in everything["results"]] == ["2026-06", "2026-05", "2026-Q2"]
    assert [run["period"] for run in final["results"]] == ["2026-06"]
    assert [run["kind"] for run in quarterly["results"]] == ["quarterly"]
    assert "lines" not in everything["results"][0]


def test_payslips_are_the_callers_own_final_lines(client_for, recruiter, second_recruiter, general_manager, june):
    may, _ = payroll_run_start(kind="monthly", period="2026-05")
    june_run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=june_run, by=general_manager)  # May stays a draft

    mine = client_for(recruiter).get("/api/v1/payslips/").json()

    assert [(slip["run"]["period"], slip["staff"]) for slip in mine["results"]] == [("2026-06", "recruiter")]
    assert mine["results"][0]["total"] == "4300.00"
    assert mine["results"][0]["explanation"]
    assert client_for(second_recruiter).get("/api/v1/payslips/").json()["results"][0]["staff"] == "recruiter_b"


def test_merchants_see_no_pay(client_for, merchant_user, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=run, by=general_manager)
    client = client_for(merchant_user)
    assert client.get("/api/v1/payslips/").status_code == 403
    assert client.get(detail_url(run)).status_code == 403
    assert client.get(reverse("api-payroll-run-export", args=[run.pk])).status_code == 403
    assert client.get(reverse("api-payroll-run-payslip", args=[run.pk, "recruiter"])).status_code == 403


# --- Files -------------------------------------------------------------------------------


def test_the_export_has_a_sheet_of_lines_and_one_of_explanations(client_for, recruitment_head, june):
    from openpyxl import load_workbook

    run, _ = payroll_run_start(kind="monthly", period="2026-06")

    response = client_for(recruitment_head).get(
        reverse("api-payroll-run-export", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    lines, details = workbook.worksheets
    rows = list(lines.iter_rows(values_only=True))
    header = rows[2]
    assert header[0] == "Username" and header[-1] == "total"
    by_user = {row[0]: dict(zip(header, row, strict=True)) for row in rows[3:]}
    assert set(by_user) == {"recruiter", "recruiter_b"}  # the head's department only
    assert (
        by_user["recruiter_b"]["POS shortfall"] == Decimal("-30.00") or by_user["recruiter_b"]["POS shortfall"] == -30
    )
    explanations = list(details.iter_rows(values_only=True))
    assert explanations[0][:4] == ("Username", "Name", "Adds to", "What")
    assert any("T" in (row[3] or "") and row[4] == -30 for row in explanations[1:])


def test_the_export_keeps_a_formula_looking_name_as_text(client_for, general_manager, recruiter, june):
    recruiter.first_name = "=HYPERLINK(1)"
    recruiter.save()
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    from openpyxl import load_workbook

    response = client_for(general_manager).get(reverse("api-payroll-run-export", args=[run.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in workbook.worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert any(name.startswith("'=HYPERLINK(1)") for name in names)


def test_the_payslip_pdf_is_in_chinese_with_each_amount(client_for, recruiter, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=run, by=general_manager)

    response = client_for(recruiter).get(reverse("api-payroll-run-payslip", args=[run.pk, "recruiter"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "工资条" in text
    assert "4300.00" in text and "4000.00" in text
    assert "好味餐厅" in text


def test_a_payslip_pdf_is_only_the_callers_own(
    client_for, recruiter, second_recruiter, outside_head, general_manager, june
):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    url = reverse("api-payroll-run-payslip", args=[run.pk, "recruiter"])
    assert client_for(recruiter).get(url).status_code == 404  # a draft is no payslip yet
    payroll_run_finalize(run=run, by=general_manager)
    assert client_for(recruiter).get(url).status_code == 200
    assert client_for(second_recruiter).get(url).status_code == 404
    assert client_for(outside_head).get(url).status_code == 404
    assert client_for(general_manager).get(url).status_code == 200
    missing = reverse("api-payroll-run-payslip", args=[run.pk + 99, "recruiter"])
    assert client_for(general_manager).get(missing).status_code == 404


# --- Query counts ------------------------------------------------------------------------


def test_the_detail_and_lists_cost_the_same_with_more_lines(
    client_for, general_manager, recruitment_head, queries, june
):
    from compensation.services.runs import payroll_run_compute
    from tests.factories.workplace import make_user

    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=run, by=general_manager)
    client = client_for(general_manager)
    made = {"n": 0}
    draft, _ = payroll_run_start(kind="monthly", period="2026-05")

    def grow():
        made["n"] += 1
        user = make_user("recruiter", username=f"more{made['n']}", department=recruitment_head.staff_profile.department)
        pay_profile(user, base="3000.00")
        signed_merchant(user, signed_on=dt.date(2026, 5, 10))
        signed_merchant(user, signed_on=dt.date(2026, 5, 11))
        payroll_run_compute(run=draft, force=True)

    slips = client_for(run.lines.first().staff)
    # Auth is forced, and the callers' roles are read once (by these warm-up requests).
    assert client.get(detail_url(draft)).status_code == slips.get("/api/v1/payslips/").status_code == 200
    # The run, its lines with staff and department, their items.
    queries.assert_constant(lambda: client.get(detail_url(draft)), grow, expected=3)
    # The page count, the page of runs.
    queries.assert_constant(lambda: client.get(LIST), grow, expected=2)
    # The recruiter's payslips: the count, the lines with their runs, the items.
    queries.assert_constant(lambda: slips.get("/api/v1/payslips/"), grow, expected=3)


# --- Year-end allocation -------------------------------------------------------------------


@pytest.fixture
def year_2025(recruiter, second_recruiter):
    """A merchant of the head's department with 1 000.00 profit every month of 2025: an
    average of 1 000 → the 1.0 % cap → a pool of 120.00."""
    merchant = signed_merchant(recruiter, signed_on=dt.date(2024, 12, 1))
    terminal(
        merchant,
        installed_on=dt.date(2024, 12, 1),
        profits={f"2025-{month:02d}": "1000.00" for month in range(1, 13)},
    )


def test_the_head_allocates_the_pool_and_the_general_manager_approves(
    client_for, recruitment_head, general_manager, year_2025
):
    head = client_for(recruitment_head)
    started = head.post(LIST, {"kind": "year_end", "period": "2025"}, format="json")
    assert started.status_code == 201
    run = PayrollRun.objects.get()
    assert started.json()["pools"][0]["pool"] == "120.00"
    assert started.json()["pools"][0]["rate"] == "1.00"
    assert started.json()["pools"][0]["allocation"] is None
    url = detail_url(run, "allocation/")

    short = head.post(
        url,
        {"shares": [{"staff": "recruiter", "amount": "60.00"}, {"staff": "recruiter_b", "amount": "59.99"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert short.status_code == 400
    assert short.json()["shares"] == ["The shares add up to 119.99 but the pool is 120.00: 0.01 short."]
    assert short.json()["difference"] == "-0.01"
    too_much = head.post(url, {"shares": [{"staff": "recruiter", "amount": "120.01"}]}, format="json")
    assert too_much.status_code == 400 and too_much.json()["difference"] == "0.01"
    not_ours = head.post(url, {"shares": [{"staff": "nobody", "amount": "120.00"}]}, format="json")
    assert not_ours.status_code == 400 and not_ours.json()["shares"][0]["index"] == 0

    early = client_for(general_manager).post(detail_url(run, "finalize/"), {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "allocation_missing"

    proposed = head.post(
        url,
        {"shares": [{"staff": "recruiter", "amount": "70.00"}, {"staff": "recruiter_b", "amount": "50.00"}]},
        format="json",
    )
    assert proposed.status_code == 200, proposed.json()
    allocation = proposed.json()["pools"][0]["allocation"]
    assert allocation["status"] == "proposed" and allocation["proposed_by"] == "head"
    assert allocation["shares"] == [
        {"staff": "recruiter", "amount": "70.00"},
        {"staff": "recruiter_b", "amount": "50.00"},
    ]

    assert head.post(detail_url(run, "allocation/approve/"), {}, format="json").status_code == 403
    approved = client_for(general_manager).post(detail_url(run, "allocation/approve/"), {}, format="json")
    assert approved.status_code == 200
    assert approved.json()["pools"][0]["allocation"]["status"] == "approved"
    assert line_of(approved.json(), "recruiter")["bonus"] == "70.00"
    assert line_of(approved.json(), "recruiter_b")["bonus"] == "50.00"

    final = client_for(general_manager).post(detail_url(run, "finalize/"), {}, format="json")
    assert final.status_code == 200 and final.json()["status"] == "final"
    locked = head.post(url, {"shares": [{"staff": "recruiter", "amount": "120.00"}]}, format="json")
    assert locked.status_code == 409


def test_only_the_department_head_allocates(client_for, recruiter, outside_head, general_manager, year_2025):
    run, _ = payroll_run_start(kind="year_end", period="2025")
    url = detail_url(run, "allocation/")
    body = {"shares": [{"staff": "recruiter", "amount": "120.00"}]}

    assert client_for(recruiter).post(url, body, format="json").status_code == 403
    assert client_for(general_manager).post(url, body, format="json").status_code == 403
    elsewhere = client_for(outside_head).post(url, body, format="json")
    assert elsewhere.status_code == 400 and "shares" in elsewhere.json()
    # The outside head reads no pool but their own department's (none here).
    assert client_for(outside_head).get(detail_url(run)).json()["pools"] == []


@pytest.mark.parametrize(
    "shares", [None, "all", [], [1], [{"staff": "recruiter"}], [{"staff": "recruiter", "amount": "x"}]]
)
def test_a_malformed_allocation_is_a_400(client_for, recruitment_head, year_2025, shares):
    run, _ = payroll_run_start(kind="year_end", period="2025")
    response = client_for(recruitment_head).post(detail_url(run, "allocation/"), {"shares": shares}, format="json")
    assert response.status_code == 400
    assert "shares" in response.json()


def test_a_monthly_run_has_no_allocation(client_for, recruitment_head, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    response = client_for(recruitment_head).post(
        detail_url(run, "allocation/"), {"shares": [{"staff": "recruiter", "amount": "1.00"}]}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_year_end"


# --- Every role × every endpoint ---------------------------------------------------------

STAFF_VIEWERS = {"general_manager", "admin_user", "recruitment_head", "outside_head"}
ROLES = [
    "general_manager",
    "admin_user",
    "recruitment_head",
    "outside_head",
    "recruiter",
    "ops_director",
    "customer_service",
    "dept_head",
    "merchant_user",
]


def _expected(role, endpoint):
    viewer = role in STAFF_VIEWERS
    if role == "merchant_user":
        return 403
    return {
        "detail": 200 if viewer else 403,
        "export": 200 if viewer else 403,
        # A head reads their own department's payslips; a recruiter their own.
        "payslip": 200 if role in {"general_manager", "admin_user", "recruitment_head", "recruiter"} else 404,
        "payslips": 200,
        "recompute": 200 if viewer else 403,
        "finalize": 200 if viewer else 403,
        "correct": 201 if viewer else 403,
        # The head's own action on a monthly run: no pool (409); anyone else may not.
        "allocation": 409 if role in {"recruitment_head", "outside_head"} else 403,
        "approve": 409 if role == "general_manager" else 403,
    }[endpoint]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint", ["detail", "export", "payslip", "payslips", "recompute", "finalize", "correct", "allocation", "approve"]
)
def test_every_role_on_every_endpoint(request, client_for, general_manager, june, role, endpoint):
    final, _ = payroll_run_start(kind="monthly", period="2026-06")
    payroll_run_finalize(run=final, by=general_manager)
    draft, _ = payroll_run_start(kind="monthly", period="2026-05")
    client = client_for(request.getfixturevalue(role))
    calls = {
        "detail": lambda: client.get(detail_url(final)),
        "export": lambda: client.get(reverse("api-payroll-run-export", args=[final.pk])),
        "payslip": lambda: client.get(reverse("api-payroll-run-payslip", args=[final.pk, "recruiter"])),
        "payslips": lambda: client.get("/api/v1/payslips/"),
        "recompute": lambda: client.post(detail_url(draft, "recompute/"), {}, format="json"),
        "finalize": lambda: client.post(detail_url(draft, "finalize/"), {}, format="json"),
        "correct": lambda: client.post(detail_url(final, "correct/"), {}, format="json"),
        "allocation": lambda: client.post(
            detail_url(draft, "allocation/"), {"shares": [{"staff": "recruiter", "amount": "1.00"}]}, format="json"
        ),
        "approve": lambda: client.post(detail_url(draft, "allocation/approve/"), {}, format="json"),
    }
    before = list(PayrollRun.objects.order_by("pk").values_list("status", "computed_at"))

    response = calls[endpoint]()

    assert response.status_code == _expected(role, endpoint), getattr(response, "data", response)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert list(PayrollRun.objects.order_by("pk").values_list("status", "computed_at")) == before
        assert not Adjustment.objects.exists()


def test_odd_usernames_and_periods_are_4xx(client_for, general_manager, june):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    client = client_for(general_manager)
    assert client.get(f"{LIST}{run.pk}/payslips/re%00cruiter.pdf").status_code == 404
    full_width = client.post(LIST, {"period": "２０２６-06"}, format="json")
    assert full_width.status_code == 400 and "period" in full_width.json()
