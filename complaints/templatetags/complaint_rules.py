"""The complaint rule set's deadlines in page text ("we reply within N working days"),
from the set in force today, so a page never promises what the rules no longer say."""

from django import template
from django.utils import timezone

from workplace.rules import RuleNotInForce

from ..models.choices import DEFAULT_REPLY_WORKING_DAYS, DEFAULT_SOLUTION_WORKING_DAYS
from ..services.workflow import rules_on

register = template.Library()


def _rules():
    try:
        return rules_on(timezone.localdate())
    except RuleNotInForce:
        return None


@register.simple_tag
def reply_working_days() -> int:
    rules = _rules()
    return rules.reply_working_days if rules else DEFAULT_REPLY_WORKING_DAYS


@register.simple_tag
def solution_working_days() -> int:
    rules = _rules()
    return rules.solution_working_days if rules else DEFAULT_SOLUTION_WORKING_DAYS
