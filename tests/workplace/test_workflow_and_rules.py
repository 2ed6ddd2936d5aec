"""The shared workflow helper and the dated-rule reader, on real models."""

import datetime as dt

import pytest
from django.db import transaction

from merchants.models import OnboardingRuleSet
from workplace import rules
from workplace.calendar import working_deadline
from workplace.exceptions import InvalidTransition


@pytest.fixture(autouse=True)
def _onboarding_rules_registered():
    rules.register_dated_rule(OnboardingRuleSet)
    rules.clear()
    yield
    rules.clear()


def test_it_reads_the_row_in_force_on_a_day(db):
    OnboardingRuleSet.objects.create(effective_from=dt.date(2030, 1, 1), review_working_days=5)
    assert rules.in_force(OnboardingRuleSet, on=dt.date(2029, 12, 31)).review_working_days == 3
    assert rules.in_force(OnboardingRuleSet, on=dt.date(2030, 1, 1)).review_working_days == 5


def test_it_refuses_a_day_before_the_first_rule_set(db):
    first = OnboardingRuleSet.objects.order_by("effective_from").first()
    with pytest.raises(rules.RuleNotInForce) as refused:
        rules.in_force(OnboardingRuleSet, on=first.effective_from - dt.timedelta(days=1))
    assert refused.value.status_code == 409
    assert refused.value.code == "rule_not_in_force"


def test_it_serves_repeated_reads_without_queries(db, django_assert_num_queries):
    rules.in_force(OnboardingRuleSet, on=dt.date(2026, 10, 1))
    with django_assert_num_queries(0):
        rules.in_force(OnboardingRuleSet, on=dt.date(2026, 10, 1))


def test_it_sees_a_new_rule_set_at_once(db, django_capture_on_commit_callbacks):
    rules.in_force(OnboardingRuleSet, on=dt.date(2031, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        OnboardingRuleSet.objects.create(effective_from=dt.date(2031, 1, 1), review_working_days=7)
    assert rules.in_force(OnboardingRuleSet, on=dt.date(2031, 1, 1)).review_working_days == 7


def test_it_sees_its_own_uncommitted_rule_set(db):
    rules.in_force(OnboardingRuleSet, on=dt.date(2031, 1, 1))
    with transaction.atomic():
        OnboardingRuleSet.objects.create(effective_from=dt.date(2031, 1, 1), review_working_days=6)
        assert rules.in_force(OnboardingRuleSet, on=dt.date(2031, 1, 1)).review_working_days == 6


def test_it_reads_the_database_when_the_cache_is_down(db, settings, django_assert_num_queries):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    from django.core.cache import caches

    caches._settings = None  # let the overridden setting take effect
    try:
        with django_assert_num_queries(2):
            rules.in_force(OnboardingRuleSet, on=dt.date(2026, 10, 1))
            rules.in_force(OnboardingRuleSet, on=dt.date(2026, 10, 1))
    finally:
        caches._settings = None


def test_it_flags_a_deadline_that_counted_a_fallback_day(db):
    known = working_deadline(dt.datetime(2026, 9, 30, 10, tzinfo=dt.UTC), 3)
    assert (known.date, known.fallback) == (dt.date(2026, 10, 10), False)
    beyond = working_deadline(dt.datetime(2026, 12, 30, 10, tzinfo=dt.UTC), 3)
    assert beyond.fallback is True


# --- the workflow helper, on a table of its own over the application model ------------


@pytest.fixture
def flow():
    from merchants.models import Application, ApplicationStatus, ApplicationStatusChange
    from workplace.workflow import Workflow

    return Workflow(
        model=Application,
        history=ApplicationStatusChange,
        subject="application",
        transitions={"draft": {"submitted"}, "submitted": {"auto_check"}},
        labels=ApplicationStatus,
        noun="application",
        changed_at_field="status_changed_at",
    )


@pytest.fixture
def draft(db):
    from tests.factories.merchants import ApplicationFactory

    return ApplicationFactory(status="draft")


def test_it_refuses_a_move_the_table_does_not_allow(flow, draft):
    with pytest.raises(InvalidTransition) as refused:
        flow.move(draft, "auto_check")
    assert refused.value.code == "invalid_state"
    assert draft.status_changes.count() == 0


def test_it_moves_and_records_who_when_why(flow, draft, recruiter):
    flow.move(draft, "submitted", by=recruiter, reason="picked up")
    draft.refresh_from_db()
    change = draft.status_changes.get()
    assert (draft.status, change.from_status, change.to_status, change.reason, change.changed_by) == (
        "submitted",
        "draft",
        "submitted",
        "picked up",
        recruiter,
    )
    assert draft.status_changed_at == change.changed_at


def test_it_refuses_a_stale_copy(flow, draft):
    from merchants.models import Application

    stale = Application.objects.get(pk=draft.pk)
    flow.move(draft, "submitted")
    with pytest.raises(InvalidTransition) as refused:
        flow.move(stale, "submitted")
    assert refused.value.code == "conflict"
    assert draft.status_changes.count() == 1


def test_it_requires_a_state(flow, draft):
    flow.require(draft, {"draft"})
    with pytest.raises(InvalidTransition) as refused:
        flow.require(draft, {"submitted"})
    assert refused.value.extra == {"status": "draft"}
