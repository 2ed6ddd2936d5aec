"""The star-rating rule sets are read through workplace.rules.in_force: from a cache that
a new rule set invalidates, and one behaviour (409 naming the rule) when none is in force."""

import datetime as dt

import pytest
import time_machine

from scoring.models import Evaluation, ScoringRuleSet
from scoring.selectors import rule_set_in_force
from tests.factories.scoring import WORKED_EXAMPLE, ScoringMerchantFactory, make_rule_set
from workplace.rules import RuleNotInForce

pytestmark = pytest.mark.django_db

CALCULATE = "/api/v1/scoring/calculate/"


def test_repeated_reads_of_the_rule_set_run_no_query(django_assert_num_queries):
    first = rule_set_in_force()
    with django_assert_num_queries(0):
        again = rule_set_in_force()
    assert again == first


def test_a_new_rule_set_is_seen_at_once(client_for, recruiter, django_capture_on_commit_callbacks):
    client = client_for(recruiter)
    assert client.post(CALCULATE, WORKED_EXAMPLE, format="json").json()["merchant_class"] == "II"  # 13.70 ≥ 12
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_rule_set(effective_from=dt.date.today(), class_two_threshold="14.00")
    assert rule_set_in_force() == newer
    body = client.post(CALCULATE, WORKED_EXAMPLE, format="json").json()
    assert (body["score"], body["merchant_class"]) == ("13.70", "III")


def test_a_rule_set_from_a_later_date_waits_for_its_day(django_capture_on_commit_callbacks):
    current = rule_set_in_force()
    later = dt.date.today() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_rule_set(effective_from=later, class_two_threshold="14.00")
    assert rule_set_in_force() == current
    assert rule_set_in_force(later) == newer


def test_before_the_first_rule_set_none_is_in_force():
    first = ScoringRuleSet.objects.order_by("effective_from").first()
    with pytest.raises(RuleNotInForce) as refused:
        rule_set_in_force(first.effective_from - dt.timedelta(days=1))
    assert (refused.value.status_code, refused.value.code) == (409, "rule_not_in_force")


def test_with_none_in_force_the_calculator_answers_409_naming_the_rule(client_for, recruiter):
    with time_machine.travel("1999-06-01 10:00 +0800", tick=False):
        response = client_for(recruiter).post(CALCULATE, WORKED_EXAMPLE, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "rule_not_in_force"
    assert "star-rating rule set" in body["detail"] and "1999-06-01" in body["detail"]


def test_with_none_in_force_no_evaluation_is_recorded(client_for, recruiter, department):
    from tests.factories.merchants import ApplicationFactory

    merchant = ScoringMerchantFactory(recruiter=recruiter, department=department)
    application = ApplicationFactory(merchant=merchant, assignee=recruiter, status="in_review")
    with time_machine.travel("1999-06-01 10:00 +0800", tick=False):
        response = client_for(recruiter).post(
            f"/api/v1/applications/{application.pk}/evaluation/", WORKED_EXAMPLE, format="json"
        )
    assert (response.status_code, response.json()["code"]) == (409, "rule_not_in_force")
    assert not Evaluation.objects.exists()
