"""Alerts (issue 10 §3; seed 000: 异常指标预警阈值 — 商家活跃度骤降、投诉率超标 — 及时触发干预).

``AlertRuleSet`` holds the thresholds, in force from a date (a change is a new set, never
an edit; workplace.rules). ``AlertBreach`` records each breach of a rule by one subject
(a district, a recruiter, a merchant, the company): opened when the figure first crosses
the threshold (its manager is notified then, once), cleared when it no longer does; a
later crossing is a new breach and a new notice. What each rule measures and who is
told is written in dashboards/alerts.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _percent(default: str, label):
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )


class AlertRuleSet(models.Model):
    """The alert thresholds, in force from ``effective_from``. Each threshold is the last
    acceptable value: a figure exactly at it does not fire (dashboards/alerts.py)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    pace_percent = _percent("80.00", _("plan pace: alert below this share of the expected signings (%)"))
    pace_grace_days = models.PositiveSmallIntegerField(
        _("plan pace: days after the start of a plan or phase before it is judged"), default=7
    )
    activity_percent = _percent("50.00", _("merchant activity: alert below this share of its 3-month average (%)"))
    activity_min_average = models.DecimalField(
        _("merchant activity: smallest 3-month average profit judged"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    complaint_rate = models.DecimalField(
        _("complaint rate: alert above this many valid complaints per 100 active merchants in 30 days"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    overdue_complaints = models.PositiveIntegerField(_("overdue complaints: alert above this number"), default=5)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert thresholds")
        verbose_name_plural = _("alert thresholds")
        ordering = ["-effective_from"]

    def __str__(self):
        return str(_("Alert thresholds from %(date)s") % {"date": self.effective_from.isoformat()})


class AlertKind(models.TextChoices):
    DISTRICT_PACE = "district_pace", _("District behind the plan's pace")
    RECRUITER_PACE = "recruiter_pace", _("Recruiter behind the plan's pace")
    MERCHANT_ACTIVITY = "merchant_activity", _("Merchant activity dropping")
    COMPLAINT_RATE = "complaint_rate", _("Complaint rate too high")
    OVERDUE_COMPLAINTS = "overdue_complaints", _("Too many overdue complaints")


class SubjectType(models.TextChoices):
    REGION = "region", _("district or county")
    RECRUITER = "recruiter", _("recruiter")
    MERCHANT = "merchant", _("merchant")
    COMPANY = "company", _("company")


class AlertBreach(models.Model):
    """One breach of one alert rule by one subject, from ``opened_at`` to ``cleared_at``
    (empty while it lasts). At most one is open per rule and subject (a database
    constraint), so a notice goes out once per breach however often the job runs."""

    kind = models.CharField(_("alert"), max_length=30, choices=AlertKind.choices)
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject_name = models.CharField(_("subject"), max_length=200, blank=True)
    rules = models.ForeignKey(
        AlertRuleSet, verbose_name=_("thresholds"), on_delete=models.PROTECT, related_name="breaches"
    )
    opened_at = models.DateTimeField(pgettext_lazy("alert", "opened at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("alert breach")
        verbose_name_plural = _("alert breaches")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_open_breach_per_rule_and_subject",
            )
        ]
        indexes = [models.Index(fields=["kind", "subject_type", "subject_id", "opened_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_name or self.subject_id}"
