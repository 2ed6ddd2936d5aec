"""The commission rule tables are read through workplace.rules.in_force: from a cache a
new version invalidates, and one behaviour (409 naming the rule) when none is in force.
The approval reminder delay is a dated rule parameter."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from commissions import selectors
from commissions.models import ApprovalRuleSet, CommissionStandard, RateRequest
from commissions.tasks import remind_overdue_approvals
from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db


def test_repeated_quotes_read_the_rules_once(django_assert_num_queries):
    selectors.quote_prepaid_rate(category="dining_entertainment", prepaid_rate=Decimal("6"))
    with django_assert_num_queries(0):
        quote = selectors.quote_prepaid_rate(category="dining_entertainment", prepaid_rate=Decimal("6"))
    assert (quote.standard_rate, quote.required_role) == (Decimal("10.00"), "ops_director")


def test_a_new_standard_is_seen_at_once(django_capture_on_commit_callbacks):
    selectors.quote_prepaid_rate(category="beauty_hair", prepaid_rate=Decimal("6"))
    with django_capture_on_commit_callbacks(execute=True):
        CommissionStandard.objects.create(
            category="beauty_hair",
            effective_from=dt.date(2026, 1, 1),
            bank_card_fee=Decimal("3"),
            prepaid_commission=Decimal("12"),
        )
    quote = selectors.quote_prepaid_rate(category="beauty_hair", prepaid_rate=Decimal("6"), on=dt.date(2026, 6, 1))
    assert (quote.standard_rate, quote.display_ratio) == (Decimal("12"), Decimal("50.00"))


def test_before_the_first_rules_the_quote_says_none_is_in_force(client_for, recruiter):
    with time_machine.travel("2019-06-03 10:00 +0800", tick=False):
        response = client_for(recruiter).post(
            "/api/v1/commissions/quote/", {"category": "supermarket", "prepaid_rate": "1.00"}, format="json"
        )
    assert response.status_code == 409
    assert response.json()["code"] == "rule_not_in_force"
    assert "2019-06-03" in response.json()["detail"]


def test_before_the_first_rules_no_request_is_made(client_for, recruiter):
    merchant = make_merchant(recruiter)
    with time_machine.travel("2019-06-03 10:00 +0800", tick=False):
        response = client_for(recruiter).post(
            "/api/v1/rate-requests/",
            {"merchant": merchant.pk, "prepaid_rate": "5.00", "reason": "理由"},
            format="json",
        )
    assert (response.status_code, response.json()["code"]) == (409, "rule_not_in_force")
    assert not RateRequest.objects.exists()


def test_the_default_reminder_delay_is_one_working_day():
    assert selectors.approval_rules_on(dt.date(2026, 11, 5)).reminder_working_days == 1
    assert ApprovalRuleSet.objects.get().effective_from == dt.date(2000, 1, 1)


def test_the_reminder_delay_follows_the_rule_set_of_the_day_the_step_began(recruiter, recruitment_head):
    ApprovalRuleSet.objects.create(effective_from=dt.date(2026, 11, 4), reminder_working_days=2)
    with time_machine.travel("2026-10-30 10:00 +0800", tick=False):  # a Friday, one day in force
        older = make_request(recruiter, "8.00")
    with time_machine.travel("2026-11-05 10:00 +0800", tick=False):  # a Thursday, two days in force
        newer = make_request(recruiter, "8.00")
    with time_machine.travel("2026-11-09 23:00 +0800", tick=False):  # Monday: the newer is not yet due
        assert remind_overdue_approvals() == 1
    with time_machine.travel("2026-11-10 09:00 +0800", tick=False):
        assert remind_overdue_approvals() == 1
    titles = {n.dedupe_key: n.title for n in recruitment_head.notifications.filter(kind="commissions.approval_overdue")}
    assert set(titles) == {
        f"commissions:reminder:{older.current_step_id}:user:{recruitment_head.pk}",
        f"commissions:reminder:{newer.current_step_id}:user:{recruitment_head.pk}",
    }
    assert "超过 2 个工作日" in titles[f"commissions:reminder:{newer.current_step_id}:user:{recruitment_head.pk}"]


def test_the_reminder_job_runs_a_fixed_number_of_queries(recruiter, recruitment_head, queries):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        make_request(recruiter, "8.00")
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        remind_overdue_approvals()  # the first run reminds; afterwards nothing is due

        def grow():
            with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
                make_request(recruiter, "8.00")
            remind_overdue_approvals()

        queries.assert_constant(remind_overdue_approvals, grow, expected=EXPECTED_REMINDER_QUERIES)


# the waiting requests, the approvers, the steps, the reminders already sent (the calendar
# comes from the cache, workplace.calendar)
EXPECTED_REMINDER_QUERIES = 4


def test_an_admin_adds_a_reminder_rule_set_but_never_edits_one_in_force(client, admin_user):
    from django.utils import timezone

    client.force_login(admin_user)
    today = timezone.localdate()
    response = client.post(
        "/admin/commissions/approvalruleset/add/",
        {"effective_from": today.isoformat(), "reminder_working_days": "2", "note": "节后调整"},
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/commissions/approvalruleset/")
    added = ApprovalRuleSet.objects.get(effective_from=today)
    assert (added.reminder_working_days, added.note) == (2, "节后调整")
    assert selectors.approval_rules_on(today).reminder_working_days == 2
    page = client.get(f"/admin/commissions/approvalruleset/{added.pk}/change/")
    assert page.status_code == 200 and 'name="reminder_working_days"' not in page.content.decode()
    refused = client.post(f"/admin/commissions/approvalruleset/{added.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    assert "您没有执行该操作的权限。" in refused.content.decode()
    assert ApprovalRuleSet.objects.filter(pk=added.pk).exists()
