"""The year-end allocation page (issue 9 §5, §6): the department head splits their
department's pool among its managers (the sum to the fen, else by how much it is off),
the general manager reads every proposal and approves; who may do what, and the queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from compensation.models import Allocation, AllocationStatus, PayrollLine
from compensation.services.allocation import allocation_propose
from compensation.services.runs import payroll_run_finalize, payroll_run_start
from tests.factories.compensation import signed_merchant, terminal
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

FORBIDDEN = "您没有执行该操作的权限。"


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def web():
    def sign_in(user=None, language=None):
        client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def year_end(recruiter, second_recruiter):
    """A merchant of the head's department with 1 000.00 profit every month of 2025: an
    average of 1 000 → the 1.0 % cap → a pool of 120.00 to share among two managers."""
    merchant = signed_merchant(recruiter, signed_on=dt.date(2024, 12, 1))
    terminal(merchant, installed_on=dt.date(2024, 12, 1), profits={f"2025-{m:02d}": "1000.00" for m in range(1, 13)})
    run, _ = payroll_run_start(kind="year_end", period="2025")
    return run


def url(run, suffix=""):
    return f"/compensation/runs/{run.pk}/allocation/{suffix}"


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def errors_at(content: str, username: str) -> list[str]:
    start = content.index(f'id="share-{username}"')
    ends = [i for i in (content.find('class="row g-2', start), content.find("</form>", start)) if i > 0]
    block = content[start : min(ends)]
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', block)


def alerts(content: str) -> list[str]:
    form = content[content.index('id="allocation-form"') :]
    return re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', form)


def test_the_head_sees_the_form_for_their_departments_managers(web, recruitment_head, year_end):
    response = web(recruitment_head, "en").get(url(year_end))

    assert response.status_code == 200
    content = text(response)
    assert "a pool of 120.00 to allocate" in content
    assert re.findall(r'id="share-([^"]+)"', content) == ["recruiter", "recruiter_b"]
    assert 'name="amount-recruiter"' in content and 'name="amount-recruiter_b"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert "No allocation proposed yet." in content
    assert 'id="approve-form"' not in content


@pytest.mark.parametrize(
    ("amounts", "english", "chinese"),
    [
        (
            {"recruiter": "60.00", "recruiter_b": "59.99"},
            "The shares add up to 119.99 but the pool is 120.00: 0.01 short.",
            "份额合计 119.99，而奖金池为 120.00：还差 0.01。",
        ),
        (
            {"recruiter": "120.01"},
            "The shares add up to 120.01 but the pool is 120.00: 0.01 too much.",
            "份额合计 120.01，而奖金池为 120.00：多出 0.01。",
        ),
    ],
)
def test_a_sum_off_by_a_fen_says_by_how_much(web, recruitment_head, year_end, amounts, english, chinese):
    data = {f"amount-{name}": amount for name, amount in amounts.items()}
    for language, message in (("en", english), ("zh-hans", chinese)):
        response = web(recruitment_head, language).post(url(year_end), data)

        assert response.status_code == 400
        content = text(response)
        assert alerts(content) == [message]
        # The amounts entered stay in the form.
        for amount in amounts.values():
            assert f'value="{amount}"' in content
    assert not Allocation.objects.exists()


def test_a_bad_amount_is_shown_next_to_the_person(web, recruitment_head, year_end):
    response = web(recruitment_head, "en").post(
        url(year_end), {"amount-recruiter": "12.345", "amount-recruiter_b": "-1"}
    )

    assert response.status_code == 400
    content = text(response)
    assert errors_at(content, "recruiter") == ["Enter an amount of at least 0.00 with at most 2 decimals."]
    assert errors_at(content, "recruiter_b") == ["Enter an amount of at least 0.00 with at most 2 decimals."]
    assert re.search(r"<input[^>]*name=\"amount-recruiter\"[^>]*is-invalid[^>]*>", content)
    assert re.search(r"<input[^>]*name=\"amount-recruiter\"[^>]*aria-invalid=\"true\"", content)
    assert not Allocation.objects.exists()


def test_an_empty_form_asks_for_a_share(web, recruitment_head, year_end):
    response = web(recruitment_head, "en").post(url(year_end), {})
    assert response.status_code == 400
    assert len(alerts(text(response))) == 1
    assert not Allocation.objects.exists()


def test_the_head_proposes_and_the_general_manager_approves(web, recruitment_head, general_manager, year_end):
    head = web(recruitment_head, "en")

    proposed = head.post(url(year_end), {"amount-recruiter": "70", "amount-recruiter_b": "50.00"}, follow=True)

    assert proposed.redirect_chain == [(url(year_end), 302)]
    assert messages_of(proposed) == ["The allocation is proposed; the general manager approves it."]
    allocation = Allocation.objects.get()
    assert allocation.status == AllocationStatus.PROPOSED and allocation.proposed_by == recruitment_head
    assert sorted(allocation.shares.values_list("staff__username", "amount")) == [
        ("recruiter", Decimal("70.00")),
        ("recruiter_b", Decimal("50.00")),
    ]
    content = text(proposed)
    assert 'data-status="proposed"' in content
    assert 'value="70.00"' in content and 'value="50.00"' in content  # the form starts from the proposal
    assert 'id="approve-form"' not in content

    gm = web(general_manager, "en")
    page = text(gm.get(url(year_end)))
    assert 'id="allocation-form"' not in page
    assert 'data-status="proposed"' in page and "70.00" in page and "50.00" in page
    assert 'id="approve-form"' in page

    assert head.post(url(year_end, "approve/")).status_code == 403
    approved = gm.post(url(year_end, "approve/"), follow=True)

    assert messages_of(approved) == ["The allocation is approved and the run recomputed with its shares."]
    assert 'data-status="approved"' in text(approved) and 'id="approve-form"' not in text(approved)
    bonuses = dict(PayrollLine.objects.filter(run=year_end).values_list("staff__username", "bonus"))
    assert bonuses == {"recruiter": Decimal("70.00"), "recruiter_b": Decimal("50.00")}
    slip = text(gm.get(f"/compensation/runs/{year_end.pk}/payslips/recruiter/"))
    assert "Year-end bonus 2025: your share of the 招商部 pool of 120.00" in slip
    assert '<span class="h4 mb-0 money" id="payslip-total">70.00</span>' in slip

    final = gm.post(f"/compensation/runs/{year_end.pk}/finalize/", follow=True)
    assert messages_of(final) == ["Year-end bonus 2025 is final and locked."]
    locked = head.post(url(year_end), {"amount-recruiter": "120.00"}, follow=True)
    assert messages_of(locked) == ["This run is final; its allocation is locked."]
    assert Allocation.objects.get().status == AllocationStatus.APPROVED


def test_approving_with_nothing_proposed_is_a_message(web, general_manager, year_end):
    response = web(general_manager, "en").post(url(year_end, "approve/"), follow=True)
    assert messages_of(response) == ["There is no proposed allocation to approve."]


def test_the_run_page_links_the_allocation(web, general_manager, year_end):
    content = text(web(general_manager).get(f"/compensation/runs/{year_end.pk}/"))
    assert f'href="{url(year_end)}" id="allocation-link"' in content


def test_a_finalise_before_the_approval_is_refused_with_a_message(web, general_manager, year_end):
    response = web(general_manager, "en").post(f"/compensation/runs/{year_end.pk}/finalize/", follow=True)
    assert messages_of(response) == ["The pool of 招商部 has no approved allocation yet."]
    year_end.refresh_from_db()
    assert year_end.status == "draft"


def test_another_head_sees_neither_the_pool_nor_the_form(web, outside_head, year_end):
    client = web(outside_head, "en")

    page = client.get(url(year_end))
    assert page.status_code == 200
    content = text(page)
    assert 'id="no-pool"' in content and "120.00" not in content and 'id="allocation-form"' not in content

    refused = client.post(url(year_end), {"amount-recruiter": "120.00"})
    assert refused.status_code == 400
    assert "Your department has no year-end pool in this run." in text(refused)
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("role", "reading", "proposing", "approving"),
    [
        ("general_manager", 200, 403, 302),
        ("admin_user", 200, 403, 403),
        ("recruitment_head", 200, 302, 403),
        ("outside_head", 200, 400, 403),
        ("recruiter", 403, 403, 403),
        ("ops_director", 403, 403, 403),
        ("customer_service", 403, 403, 403),
        ("dept_head", 403, 403, 403),
        ("merchant_user", 403, 403, 403),
    ],
)
def test_every_role_on_the_allocation(request, web, recruitment_head, year_end, role, reading, proposing, approving):
    allocation_propose(
        run=year_end,
        by=recruitment_head,
        shares=[{"staff": "recruiter", "amount": "100.00"}, {"staff": "recruiter_b", "amount": "20.00"}],
    )
    client = web(request.getfixturevalue(role))

    read = client.get(url(year_end))
    assert read.status_code == reading
    if reading == 403:
        assert FORBIDDEN in text(read) and "100.00" not in text(read)
    before = list(Allocation.objects.values_list("pk", "status"))
    assert client.post(url(year_end), {"amount-recruiter": "120.00"}).status_code == proposing
    if proposing != 302:
        assert list(Allocation.objects.values_list("pk", "status")) == before
    assert client.post(url(year_end, "approve/")).status_code == approving


def test_a_monthly_run_has_no_allocation_page(web, recruitment_head, general_manager, recruiter):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    assert web(recruitment_head).get(url(run)).status_code == 404
    assert web(general_manager).get(url(run)).status_code == 404


def test_anonymous_posts_change_nothing(web, year_end):
    for suffix in ("", "approve/"):
        response = web().post(url(year_end, suffix), {"amount-recruiter": "120.00"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Allocation.objects.exists()


def test_the_page_costs_the_same_with_more_managers(web, recruitment_head, general_manager, queries, year_end):
    made = {"n": 0}
    department = recruitment_head.staff_profile.department

    def grow():
        made["n"] += 1
        make_user("recruiter", username=f"more{made['n']}", department=department)
        names = ["recruiter", *[f"more{n}" for n in range(1, made["n"] + 1)]]
        shares = [{"staff": name, "amount": "0.00"} for name in names]
        shares[0]["amount"] = "120.00"
        allocation_propose(run=year_end, by=recruitment_head, shares=shares)

    allocation_propose(run=year_end, by=recruitment_head, shares=[{"staff": "recruiter", "amount": "120.00"}])
    head, gm = web(recruitment_head), web(general_manager)
    # Session, user, roles, the run, the head's department, the pool, its live allocation
    # (proposer, approver), its shares with staff, the managers, the unread notifications.
    queries.assert_constant(lambda: head.get(url(year_end)), grow, expected=10)
    # The general manager: no form, so no managers.
    queries.assert_constant(lambda: gm.get(url(year_end)), grow, expected=8)
    assert len(re.findall(r'class="share"', text(gm.get(url(year_end))))) == 7


def test_a_leaver_is_marked_in_the_form(web, recruitment_head, second_recruiter, year_end):
    second_recruiter.staff_profile.leave_date = dt.date(2026, 8, 31)
    second_recruiter.staff_profile.save()
    content = text(web(recruitment_head, "en").get(url(year_end)))
    assert "leaves 2026-08-31" in content


def test_the_draft_before_finalisation_stays_a_draft(general_manager, year_end):
    # Sanity of the fixture: the pool exists and the run is a draft of a finished year.
    assert year_end.status == "draft" and year_end.pools.get().pool == Decimal("120.00")
    with pytest.raises(Exception, match="allocation"):
        payroll_run_finalize(run=year_end, by=general_manager)
