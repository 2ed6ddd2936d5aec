"""The complaint, its dated rule set, its status history and its append-only events."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workplace.workflow import StatusChange

from .choices import (
    CLOSED_STATUSES,
    DEFAULT_FOLLOW_UP_WORKING_DAYS,
    DEFAULT_PANEL_WORKING_DAYS,
    DEFAULT_REPLY_WORKING_DAYS,
    DEFAULT_SOLUTION_WORKING_DAYS,
    STEP_OF_STATUS,
    ComplaintStatus,
    ComplaintType,
    DisputeLevel,
)


class ComplaintRuleSet(models.Model):
    """Deadlines, required visits, penalty amounts and quiet hours of complaint handling
    (SPEC.md §4, §5.1), in force from a date. A complaint keeps the set in force on the
    day it was received (``Complaint.rules``); a change is a new set, never an edit."""

    effective_from = models.DateField(_("effective from"), unique=True)
    reply_working_days = models.PositiveSmallIntegerField(
        _("reply within (working days)"), default=DEFAULT_REPLY_WORKING_DAYS
    )
    solution_working_days = models.PositiveSmallIntegerField(
        _("solution within (working days)"), default=DEFAULT_SOLUTION_WORKING_DAYS
    )
    follow_up_working_days = models.PositiveSmallIntegerField(
        _("first follow-up visit within (working days)"), default=DEFAULT_FOLLOW_UP_WORKING_DAYS
    )
    panel_working_days = models.PositiveSmallIntegerField(
        _("arbitration panel decides within (working days)"), default=DEFAULT_PANEL_WORKING_DAYS
    )
    visits_product_quality = models.PositiveSmallIntegerField(_("visits required: product quality"), default=2)
    visits_service_quality = models.PositiveSmallIntegerField(_("visits required: service quality"), default=1)
    visits_other = models.PositiveSmallIntegerField(_("visits required: other"), default=1)
    # Deductions (positive amounts; recorded as negative penalties).
    penalty_accepted_responsible = models.DecimalField(
        _("penalty, accepted: responsible person"), max_digits=12, decimal_places=2, default=Decimal("50.00")
    )
    penalty_accepted_head = models.DecimalField(
        _("penalty, accepted: department head"), max_digits=12, decimal_places=2, default=Decimal("25.00")
    )
    penalty_rejected_responsible = models.DecimalField(
        _("penalty, rejected or unsatisfied: responsible person"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("100.00"),
    )
    penalty_rejected_head = models.DecimalField(
        _("penalty, rejected or unsatisfied: department head"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("50.00"),
    )
    # Recruiter points (SPEC.md §5.1), positive amounts.
    points_valid_complaint = models.DecimalField(
        _("points per valid complaint (deducted)"), max_digits=5, decimal_places=2, default=Decimal("0.50")
    )
    points_good_review = models.DecimalField(
        _("points per good review"), max_digits=5, decimal_places=2, default=Decimal("0.50")
    )
    # No notice to people between these hours (Asia/Shanghai); they wait for the end.
    quiet_from = models.TimeField(_("quiet hours from"), default="21:00")
    quiet_until = models.TimeField(_("quiet hours until"), default="08:00")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint rule set")
        verbose_name_plural = _("complaint rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_working_days__gte=1)
                & models.Q(solution_working_days__gte=1)
                & models.Q(follow_up_working_days__gte=1)
                & models.Q(panel_working_days__gte=1)
                & models.Q(visits_product_quality__gte=1)
                & models.Q(visits_service_quality__gte=1)
                & models.Q(visits_other__gte=1),
                name="complaint_rules_positive",
            )
        ]

    def __str__(self):
        return f"{self.effective_from}"

    def required_visits(self, complaint_type: str) -> int:
        """Follow-up visits a complaint of this type needs (product quality ≥ 2, …)."""
        return {
            ComplaintType.PRODUCT_QUALITY: self.visits_product_quality,
            ComplaintType.SERVICE_QUALITY: self.visits_service_quality,
        }.get(complaint_type, self.visits_other)


class Complaint(models.Model):
    """A merchant's complaint (商户投诉), from intake to archive.

    Deadlines are stored (indexed) as the last moment allowed, each with a ``_fallback``
    flag set when a day it counted came from the Monday–Friday fallback calendar:
    ``reply_due`` (step 1–2, 3 working days from receipt, or from the unsatisfied visit
    that opened the round), ``solution_due`` (step 3, 3 working days from the transfer
    slip or the rejection), ``follow_up_due`` (step 6, 3 working days from completion or
    from the last visit while more are required), ``panel_due`` (level 2, 7 working days
    from escalation). Which one runs follows from the status (``selectors.current_deadline``).
    """

    number = models.CharField(_("number"), max_length=20, unique=True, blank=True)
    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="complaints"
    )
    type = models.CharField(_("type"), max_length=20, choices=ComplaintType.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED, db_index=True
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    dispute_level = models.PositiveSmallIntegerField(
        _("dispute level"), choices=DisputeLevel.choices, default=DisputeLevel.CUSTOMER_SERVICE
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The customer-service member who handles it (intake, investigation, visits); empty
    # for a complaint the merchant filed until someone from customer service acts on it.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer service handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
    )
    responsible_department = models.ForeignKey(
        "workplace.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_complaints",
    )
    # The merchant's owning recruiter when the complaint was received (SPEC.md §5.1).
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recruiter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_complaints",
    )
    rules = models.ForeignKey(
        ComplaintRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="complaints"
    )
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    reply_due_fallback = models.BooleanField(_("reply due counted fallback days"), default=False)
    solution_due = models.DateTimeField(_("solution due"), null=True, blank=True)
    solution_due_fallback = models.BooleanField(_("solution due counted fallback days"), default=False)
    follow_up_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    follow_up_due_fallback = models.BooleanField(_("follow-up due counted fallback days"), default=False)
    panel_due = models.DateTimeField(_("panel decision due"), null=True, blank=True)
    panel_due_fallback = models.BooleanField(_("panel decision due counted fallback days"), default=False)
    # Set once the merchant rejected a solution or a visit was below satisfied (SPEC.md §4:
    # the heavier penalty applies on closing).
    had_dispute = models.BooleanField(_("rejected or unsatisfied at some point"), default=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "reply_due"]),
            models.Index(fields=["status", "solution_due"]),
            models.Index(fields=["status", "follow_up_due"]),
            models.Index(fields=["status", "panel_due"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(round__gte=1), name="complaint_round_positive"),
            models.CheckConstraint(
                condition=models.Q(dispute_level__gte=1) & models.Q(dispute_level__lte=3),
                name="complaint_dispute_level_range",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def step(self) -> int:
        return STEP_OF_STATUS[self.status]

    @property
    def required_visits(self) -> int:
        return self.rules.required_visits(self.type)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ComplaintStatusChange(StatusChange):
    """One move of a complaint's status (who, when, from, to, why). Never deleted."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("complaint status change")
        verbose_name_plural = _("complaint status changes")


class EventAction(models.TextChoices):
    RECEIVED = "received", _("Complaint received")
    INVESTIGATED_VALID = "investigated_valid", _("Investigated: valid, transferred to the responsible department")
    INVESTIGATED_INVALID = "investigated_invalid", _("Investigated: not valid")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    OPINION_ACCEPTED = "opinion_accepted", _("Merchant accepted the solution")
    OPINION_REJECTED = "opinion_rejected", _("Merchant rejected the solution")
    IMPLEMENTED = "implemented", _("Solution carried out")
    VISITED = "visited", _("Follow-up visit")
    REOPENED = "reopened", _("Back to investigation (not satisfied)")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")
    ARBITRATION_DECIDED = "arbitration_decided", _("Arbitration panel decided")
    EXTERNAL_OUTCOME = "external_outcome", _("External arbitration outcome recorded")
    ATTACHMENT_ADDED = "attachment_added", _("File attached")
    REMINDED = "reminded", _("Overdue reminder sent")


EA = EventAction
# The step (SPEC.md §4) each action belongs to, written on its history line — not the step
# it led to. Escalations, files and reminders belong to the step the complaint is at.
STEP_OF_ACTION: dict[str, int] = {
    EA.RECEIVED: 1,
    EA.INVESTIGATED_VALID: 2,
    EA.INVESTIGATED_INVALID: 2,
    EA.SOLUTION_PROPOSED: 3,
    EA.ARBITRATION_DECIDED: 3,
    EA.EXTERNAL_OUTCOME: 3,
    EA.OPINION_ACCEPTED: 4,
    EA.OPINION_REJECTED: 4,
    EA.IMPLEMENTED: 5,
    EA.VISITED: 6,
    EA.REOPENED: 2,  # the first line of the new round, back at investigation
    EA.CLOSED: 7,
}
del EA


class ComplaintEvent(models.Model):
    """One line of a complaint's history (API.md ``history``): step, round, what, who,
    when, a note. Append-only. ``internal`` lines (staff notes, reminders, the valid
    investigation's findings) never reach the merchant's view."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.PositiveSmallIntegerField(pgettext_lazy("complaint", "step"))
    round = models.PositiveSmallIntegerField(_("round"))
    dispute_level = models.PositiveSmallIntegerField(_("dispute level"), default=1)
    action = models.CharField(_("action"), max_length=30, choices=EventAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    internal = models.BooleanField(_("internal"), default=False)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.complaint_id} {self.action}"
