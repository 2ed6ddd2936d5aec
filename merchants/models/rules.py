"""The dated onboarding rules (SPEC.md §1): their defaults, the rule set in force from a
date, and how a dated rule set reads."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# The data migrations date the rule sets they seed 2000-01-01, meaning "from the start".
INITIAL_EFFECTIVE_FROM = dt.date(2000, 1, 1)


def in_force_label(effective_from: dt.date) -> str:
    """How a dated rule set reads: the seeded one as the initial rules, never by its
    2000-01-01 placeholder; a later one by the date it took effect."""
    if effective_from <= INITIAL_EFFECTIVE_FROM:
        return str(_("initial rules, in force from the start"))
    return str(_("in force since %(date)s") % {"date": f"{effective_from:%Y-%m-%d}"})


# SPEC.md §1 defaults; the migration seeds the first rule set with them.
DEFAULT_CHECK_WORKING_DAYS = 1
DEFAULT_REVIEW_WORKING_DAYS = 3
DEFAULT_RESUBMIT_CALENDAR_DAYS = 15
DEFAULT_EXPIRY_WARNING_DAYS = 30
DEFAULT_MAX_DOCUMENT_MB = 10
DEFAULT_MAX_MEDIA_MB = 200
DEFAULT_HEAD_ESCALATION_WORKING_DAYS = 1
DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS = 2


class OnboardingRuleSet(models.Model):
    """The onboarding deadlines and document limits (SPEC.md §1), in force from a date.

    A change is a new rule set from its date, so applications keep the deadlines they
    were given; the set in force on an event's date applies to it.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    check_working_days = models.PositiveSmallIntegerField(
        _("system check within (working days)"), default=DEFAULT_CHECK_WORKING_DAYS
    )
    review_working_days = models.PositiveSmallIntegerField(
        _("review within (working days)"), default=DEFAULT_REVIEW_WORKING_DAYS
    )
    resubmit_calendar_days = models.PositiveSmallIntegerField(
        _("resubmission within (calendar days)"), default=DEFAULT_RESUBMIT_CALENDAR_DAYS
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("warn of certificates expiring within (days)"), default=DEFAULT_EXPIRY_WARNING_DAYS
    )
    max_document_mb = models.PositiveSmallIntegerField(
        _("largest certificate file (MB)"), default=DEFAULT_MAX_DOCUMENT_MB
    )
    max_media_mb = models.PositiveSmallIntegerField(
        _("largest site-visit photo or video (MB)"), default=DEFAULT_MAX_MEDIA_MB
    )
    head_escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate to the recruitment head after (working days past the deadline)"),
        default=DEFAULT_HEAD_ESCALATION_WORKING_DAYS,
    )
    director_escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate to the operations director after (working days past the deadline)"),
        default=DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("onboarding rule set")
        verbose_name_plural = _("onboarding rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_working_days__gte=1)
                & models.Q(review_working_days__gte=1)
                & models.Q(resubmit_calendar_days__gte=1)
                & models.Q(max_document_mb__gte=1),
                name="onboarding_rules_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(max_media_mb__gte=1)
                & models.Q(head_escalation_working_days__gte=1)
                & models.Q(director_escalation_working_days__gt=models.F("head_escalation_working_days")),
                name="onboarding_rules_escalation_in_order",
            ),
        ]

    def __str__(self):
        return in_force_label(self.effective_from)

    @property
    def max_document_bytes(self) -> int:
        return self.max_document_mb * 1024 * 1024

    @property
    def max_media_bytes(self) -> int:
        return self.max_media_mb * 1024 * 1024

    def escalation_working_days(self, level: int) -> int:
        """Working days after a missed deadline at which escalation ``level`` is told
        (0: the reviewer, when it passes; 1: the recruitment head; 2: the operations director)."""
        return (0, self.head_escalation_working_days, self.director_escalation_working_days)[level]
