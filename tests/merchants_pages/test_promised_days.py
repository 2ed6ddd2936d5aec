"""The portal's promises follow the rule sets in force: "reviewed within N working days"
and "we reply within N working days" say the N of today's rule set, not a fixed 3."""

import pytest
from django.utils import timezone

from merchants.models import OnboardingRuleSet

pytestmark = pytest.mark.django_db


def test_the_portal_states_the_review_days_of_the_rule_set_in_force(page_client, merchant_user):
    assert "3 个工作日内" in page_client().get("/portal/").content.decode()
    OnboardingRuleSet.objects.create(effective_from=timezone.localdate(), review_working_days=5)
    assert "5 个工作日内" in page_client().get("/portal/").content.decode()
    assert "5 个工作日内" in page_client(merchant_user).get("/portal/").content.decode()


def test_a_day_without_a_rule_set_falls_back_to_the_spec_figure(page_client):
    OnboardingRuleSet.objects.all().delete()
    assert "3 个工作日内" in page_client().get("/portal/").content.decode()
