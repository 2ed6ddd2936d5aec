"""Onboarding deadlines and document limits are dated data (SPEC.md §1 defaults)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.sites import site

from merchants import checks, services
from merchants.models import ApplicationStatus, OnboardingRuleSet
from merchants.selectors import onboarding_rules
from merchants.tasks import run_system_check
from workplace.calendar import SHANGHAI

from .conftest import behind_the_precheck

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)


def submit(application):
    services.application_submit(application=application, user=application.merchant.user)


def test_the_migration_seeds_the_spec_defaults():
    rules = onboarding_rules(dt.date(2026, 11, 2))
    assert (
        rules.check_working_days,
        rules.review_working_days,
        rules.resubmit_calendar_days,
        rules.expiry_warning_days,
        rules.max_document_mb,
    ) == (1, 3, 15, 30, 10)
    assert rules.pk is not None


def test_it_refuses_loudly_when_no_rule_set_is_in_force():
    from workplace.rules import RuleNotInForce

    with pytest.raises(RuleNotInForce) as error:
        onboarding_rules(dt.date(1999, 12, 31))
    assert error.value.status_code == 409


def test_it_holds_the_spec_defaults_for_media_and_escalation():
    rules = onboarding_rules(dt.date(2026, 11, 2))
    assert (rules.max_media_mb, rules.head_escalation_working_days, rules.director_escalation_working_days) == (
        200,
        1,
        2,
    )


def test_the_upload_limit_message_says_the_limit_in_force(make_application, merchant_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from workplace.exceptions import ApplicationError

    OnboardingRuleSet.objects.create(effective_from=dt.date(2020, 1, 1), max_document_mb=5)
    application = make_application()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ApplicationError) as error, translation.override("en"):
        services.document_add(application=application, user=merchant_user, kind="legal_rep_id", file=big)
        message = str(error.value.message)
    with translation.override("en"):
        message = str(error.value.message)
        finding = checks.finding_message("file_too_large", {"kind": "legal_rep_id", "max_mb": 5})
    assert "5 MB" in message and "10" not in message
    assert "5 MB" in finding and "10" not in finding


def test_a_new_rule_set_applies_from_its_date_only():
    OnboardingRuleSet.objects.create(effective_from=dt.date(2026, 12, 1), review_working_days=5)
    assert onboarding_rules(dt.date(2026, 11, 30)).review_working_days == 3
    assert onboarding_rules(dt.date(2026, 12, 1)).review_working_days == 5


def test_the_review_deadline_follows_the_rule_set_in_force(make_application, django_capture_on_commit_callbacks):
    OnboardingRuleSet.objects.create(effective_from=dt.date(2026, 11, 1), review_working_days=2, check_working_days=2)
    application = make_application("documents")
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        submit(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.check_due == dt.datetime(2026, 11, 4, 23, 59, 59, tzinfo=SHANGHAI)
    assert application.review_due == dt.datetime(2026, 11, 4, 23, 59, 59, tzinfo=SHANGHAI)


def test_the_resubmission_deadline_follows_the_rule_set_in_force(make_application):
    OnboardingRuleSet.objects.create(effective_from=dt.date(2026, 11, 1), resubmit_calendar_days=10)
    application = make_application("documents")
    with time_machine.travel(MONDAY, tick=False):
        submit(application)
        behind_the_precheck(application, address="")
        run_system_check(application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_CHANGES
    assert application.resubmit_due == dt.datetime(2026, 11, 12, 23, 59, 59, tzinfo=SHANGHAI)


def test_the_expiry_warning_window_and_file_limit_are_parameters():
    today = dt.date(2026, 11, 2)
    in_40_days = today + dt.timedelta(days=40)
    assert checks.check_expiry("business_licence", in_40_days, today=today) == []
    warned = checks.check_expiry("business_licence", in_40_days, today=today, warning_days=40)
    assert [(f.code, f.blocking) for f in warned] == [("document_expiring", False)]
    too_big = checks.check_file(
        "legal_rep_id", size=2 * 1024 * 1024 + 1, content_type="image/png", max_size=2 * 1024 * 1024
    )
    assert [f.code for f in too_big] == ["file_too_large"]


def test_a_rule_set_in_force_cannot_be_edited_or_deleted(rf, admin_user):
    model_admin = site._registry[OnboardingRuleSet]
    request = rf.get("/admin/")
    request.user = admin_user
    in_force = onboarding_rules(dt.date(2026, 11, 2))
    assert not model_admin.has_change_permission(request, in_force)
    assert not model_admin.has_delete_permission(request, in_force)
    future = OnboardingRuleSet.objects.create(effective_from=dt.date(2099, 1, 1))
    assert model_admin.has_change_permission(request, future)


def test_a_rule_set_cannot_start_in_the_past(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/merchants/onboardingruleset/add/",
        {
            "effective_from": "2020-01-01",
            "check_working_days": 1,
            "review_working_days": 3,
            "resubmit_calendar_days": 15,
            "expiry_warning_days": 30,
            "max_document_mb": 10,
            "max_media_mb": 200,
            "head_escalation_working_days": 2,
            "director_escalation_working_days": 3,
        },
    )
    assert response.status_code == 200
    # every other field is valid: the date alone is refused, next to its field
    assert response.context["adminform"].form.errors == {"effective_from": ["规则只能从今天或之后的日期起生效。"]}
    assert 'id="id_effective_from_error"' in response.content.decode()
    assert not OnboardingRuleSet.objects.filter(effective_from=dt.date(2020, 1, 1)).exists()


def test_recruiters_cannot_reach_the_rule_sets(client, recruiter):
    client.force_login(recruiter)
    response = client.get("/admin/merchants/onboardingruleset/")
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert "check_working_days" not in response.content.decode()
