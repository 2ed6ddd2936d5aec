"""The onboarding rule set's figures in page text ("reviewed within N working days"), from
the set in force today, so a page never promises what the rules no longer say."""

from django import template

from workplace.rules import RuleNotInForce

from ..models.rules import DEFAULT_REVIEW_WORKING_DAYS
from ..selectors import onboarding_rules

register = template.Library()


@register.simple_tag
def review_working_days() -> int:
    try:
        return onboarding_rules().review_working_days
    except RuleNotInForce:
        return DEFAULT_REVIEW_WORKING_DAYS
