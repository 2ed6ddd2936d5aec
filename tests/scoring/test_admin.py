"""Rule sets are added, never rewritten; evaluations are read-only and never deleted."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from scoring.models import ScoringRuleSet
from scoring.selectors import rule_set_in_force
from tests.factories.scoring import ScoringMerchantFactory, make_evaluation, make_rule_set

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
RULE_SETS = "/admin/scoring/scoringruleset/"
EVALUATIONS = "/admin/scoring/evaluation/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=SHANGHAI), tick=False):
        yield


def browser(user):
    client = Client()
    client.force_login(user)
    return client


FORBIDDEN = "您没有执行该操作的权限。"


def form_errors(response):
    return response.context["adminform"].form.errors


def add_form(**changes):
    current = rule_set_in_force()
    form = {
        "name": "2026 下半年标准",
        "effective_from": "2026-07-01",
        "brand_min": 1,
        "brand_max": 5,
        "class_two_threshold": "13.00",
        "bands": json.dumps(current.bands),
        "note": "",
    }
    return {**form, **changes}


def test_an_admin_adds_a_rule_set_from_a_later_date(admin_user):
    response = browser(admin_user).post(f"{RULE_SETS}add/", add_form())
    assert (response.status_code, response["Location"]) == (302, RULE_SETS)
    added = ScoringRuleSet.objects.get(effective_from=dt.date(2026, 7, 1))
    assert added.created_by == admin_user
    assert rule_set_in_force().effective_from == dt.date(2000, 1, 1)
    assert rule_set_in_force(dt.date(2026, 7, 1)) == added


def test_a_rule_set_may_not_start_in_the_past(admin_user):
    response = browser(admin_user).post(f"{RULE_SETS}add/", add_form(effective_from="2026-06-14"))
    assert response.status_code == 200
    assert list(form_errors(response)) == ["effective_from"]
    assert not ScoringRuleSet.objects.filter(effective_from=dt.date(2026, 6, 14)).exists()


@pytest.mark.parametrize(
    "bands",
    [
        "[]",
        json.dumps({"area_sqm": [{"points": "1"}]}),
        json.dumps(
            {
                "area_sqm": [{"up_to": "100", "points": "0.5"}, {"up_to": "50", "points": "0.6"}, {"points": "1"}],
                "registered_capital": [{"points": "0.1"}],
                "staff_count": [{"points": "0.1"}],
                "years_in_business": [{"points": "0.1"}],
                "decoration": {},
                "frequency": {},
            }
        ),
    ],
)
def test_a_broken_table_is_refused(admin_user, bands):
    response = browser(admin_user).post(f"{RULE_SETS}add/", add_form(bands=bands))
    assert response.status_code == 200
    assert "bands" in form_errors(response)
    assert ScoringRuleSet.objects.count() == 1


def test_the_add_form_starts_from_the_rule_set_in_force(admin_user):
    response = browser(admin_user).get(f"{RULE_SETS}add/")
    assert response.status_code == 200
    assert "registered_capital" in response.content.decode()
    assert b"2026/06/16" in response.content or b"2026-06-16" in response.content


def test_a_rule_set_in_force_cannot_be_edited_or_deleted(admin_user):
    current = rule_set_in_force()
    client = browser(admin_user)
    client.post(f"{RULE_SETS}{current.pk}/change/", add_form(effective_from="2000-01-01", class_two_threshold="1"))
    current.refresh_from_db()
    assert str(current.class_two_threshold) == "12.00"
    response = client.post(f"{RULE_SETS}{current.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and FORBIDDEN in response.content.decode()
    assert ScoringRuleSet.objects.filter(pk=current.pk).exists()


def test_a_future_rule_set_may_still_be_corrected(admin_user):
    future = make_rule_set(effective_from=dt.date(2026, 7, 1))
    response = browser(admin_user).post(f"{RULE_SETS}{future.pk}/change/", add_form(class_two_threshold="12.50"))
    assert (response.status_code, response["Location"]) == (302, RULE_SETS)
    future.refresh_from_db()
    assert str(future.class_two_threshold) == "12.50"


def test_staff_may_read_but_not_add_rule_sets(recruiter):
    client = browser(recruiter)
    listed = client.get(RULE_SETS)
    assert listed.status_code == 200
    assert "初始规则" in listed.content.decode() and f'href="{RULE_SETS}add/"' not in listed.content.decode()
    refused = client.get(f"{RULE_SETS}add/")
    assert refused.status_code == 403 and FORBIDDEN in refused.content.decode()


def test_evaluations_are_read_only_and_never_deleted(admin_user, recruiter, department):
    evaluation = make_evaluation(
        merchant=ScoringMerchantFactory(recruiter=recruiter, department=department), evaluator=recruiter
    )
    client = browser(admin_user)
    shown = client.get(f"{EVALUATIONS}{evaluation.pk}/change/")
    assert shown.status_code == 200
    content = shown.content.decode()
    assert evaluation.merchant.name in content and "13.70" in content and 'name="_save"' not in content
    for refused in (
        client.get(f"{EVALUATIONS}add/"),
        client.post(f"{EVALUATIONS}{evaluation.pk}/delete/", {"post": "yes"}),
    ):
        assert refused.status_code == 403 and FORBIDDEN in refused.content.decode()
    assert type(evaluation).objects.filter(pk=evaluation.pk).exists()


def test_the_evaluation_admin_is_scoped(recruiter, department, outside_recruiter, other_department):
    own = make_evaluation(
        merchant=ScoringMerchantFactory(name="本部商户", recruiter=recruiter, department=department),
        evaluator=recruiter,
    )
    make_evaluation(
        merchant=ScoringMerchantFactory(name="外部商户", recruiter=outside_recruiter, department=other_department),
        evaluator=outside_recruiter,
    )
    content = browser(recruiter).get(EVALUATIONS).content.decode()
    assert "本部商户" in content and "外部商户" not in content
    assert own.merchant.name in content


def test_the_changelists_run_a_constant_number_of_queries(admin_user, recruiter, department, queries):
    client = browser(admin_user)

    def grow():
        make_evaluation(
            merchant=ScoringMerchantFactory(recruiter=recruiter, department=department), evaluator=recruiter
        )
        later = ScoringRuleSet.objects.order_by("-effective_from").first().effective_from + dt.timedelta(days=1)
        ScoringRuleSet.objects.create(
            name="later",
            effective_from=later,
            bands=ScoringRuleSet.objects.first().bands,
            class_two_threshold="12.00",
            created_by=admin_user,
        )

    grow()
    # Session, user, roles, unread notifications; the changelist's count (twice: the
    # paginator and the full count), rows, the rule-set filter (evaluations) and the two
    # date-hierarchy queries.
    queries.assert_constant(lambda: client.get(EVALUATIONS), grow, expected=10)
    queries.assert_constant(lambda: client.get(RULE_SETS), grow, expected=9)
