"""The complaint pages' promises follow the rule set in force ("we reply within N working
days" says today's N, not a fixed 3)."""

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import ComplaintRuleSet

pytestmark = pytest.mark.django_db


def test_the_complaint_pages_state_the_reply_days_of_the_rule_set_in_force(merchant_a, merchant_user):
    current = ComplaintRuleSet.objects.order_by("-effective_from").first()
    fields = {
        field.name: getattr(current, field.name)
        for field in ComplaintRuleSet._meta.concrete_fields
        if field.name not in ("id", "effective_from", "created_at")
    }
    ComplaintRuleSet.objects.create(**{**fields, "effective_from": timezone.localdate(), "reply_working_days": 4})
    web = Client()
    web.force_login(merchant_user)
    page = web.get("/complaints/mine/new/").content.decode()
    assert "4 个工作日内答复" in page and "3 个工作日内" not in page
