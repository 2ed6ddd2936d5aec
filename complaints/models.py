"""Merchant complaints (商户投诉处理流程, SPEC.md §4).

A complaint walks seven steps, recorded as its ``status`` (the step is derived from it):

    1 received → 2 investigating → 3 awaiting_solution → 4 awaiting_opinion →
    5 implementing → 6 follow_up → 7 closed          (invalid: → closed_invalid)

The allowed moves are the data in ``COMPLAINT_TRANSITIONS``; only
``complaints.services`` changes a status (through ``complaints.services.FLOW``, the
house's ``Workflow``). Every step writes an append-only ``ComplaintEvent`` (the history
API.md shows) besides the ``ComplaintStatusChange`` row of the move, and its own record
(``Investigation``, ``Solution``, ``Opinion``, ``Implementation``, ``FollowUpVisit``,
``Arbitration``). Nothing is overwritten: a new round (an unsatisfied visit sends the
complaint back to investigation) or a new attempt (a rejected solution) adds rows.

Disputes (三级纠纷处理): ``dispute_level`` 1 is the seven steps; a merchant that rejects a
solution may escalate to 2 (the platform's arbitration panel) and then 3 (external
arbitration). The status list stays the same while escalated: a level-2 complaint waits
in ``awaiting_solution`` until the panel decides; the decision is the solution the
merchant then accepts (→ implementing) or rejects (→ may escalate to level 3, whose
recorded outcome is carried out → implementing).

Outcomes read by compensation (it imports complaints, never the reverse): ``Penalty``
rows (SPEC.md §4, deducted in the closing month's payroll) and ``PointEvent`` rows
(SPEC.md §5.1: −0.5 per valid complaint against the merchant's recruiter, +0.5 per
satisfied-or-better survey).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace.workflow import StatusChange


class ComplaintType(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_SOLUTION = "awaiting_solution", _("Awaiting solution")
    AWAITING_OPINION = "awaiting_opinion", _("Awaiting the merchant's opinion")
    IMPLEMENTING = "implementing", _("Implementing")
    FOLLOW_UP = "follow_up", _("Follow-up visits")
    CLOSED = "closed", _("Closed")
    CLOSED_INVALID = "closed_invalid", _("Closed as invalid")


class Satisfaction(models.TextChoices):
    """The five answers of the satisfaction survey (客户满意度调查表)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    VERY_UNSATISFIED = "very_unsatisfied", _("Very unsatisfied")


# Satisfied or better closes the complaint (step 7) and counts as a good review (§5.1).
SATISFIED_ANSWERS = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED})


class DisputeLevel(models.IntegerChoices):
    CUSTOMER_SERVICE = 1, _("Customer service mediation")
    PLATFORM_PANEL = 2, _("Platform arbitration panel")
    EXTERNAL = 3, _("External arbitration")


S = ComplaintStatus
# The seven steps (SPEC.md §4) as data: status → statuses it may move to.
COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.AWAITING_SOLUTION, S.CLOSED_INVALID}),
    S.INVESTIGATING: frozenset({S.AWAITING_SOLUTION, S.CLOSED_INVALID}),
    S.AWAITING_SOLUTION: frozenset({S.AWAITING_OPINION, S.IMPLEMENTING}),  # implementing: level-3 outcome
    S.AWAITING_OPINION: frozenset({S.IMPLEMENTING, S.AWAITING_SOLUTION}),
    S.IMPLEMENTING: frozenset({S.FOLLOW_UP}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.INVESTIGATING}),
    S.CLOSED: frozenset(),
    S.CLOSED_INVALID: frozenset(),
}
# Step (1–7) shown for each status; both closed statuses are step 7 (archived).
STEP_OF_STATUS: dict[str, int] = {
    S.RECEIVED: 1,
    S.INVESTIGATING: 2,
    S.AWAITING_SOLUTION: 3,
    S.AWAITING_OPINION: 4,
    S.IMPLEMENTING: 5,
    S.FOLLOW_UP: 6,
    S.CLOSED: 7,
    S.CLOSED_INVALID: 7,
}
CLOSED_STATUSES = frozenset({S.CLOSED, S.CLOSED_INVALID})
OPEN_STATUSES = frozenset(ComplaintStatus.values) - CLOSED_STATUSES
del S


def _private_name(prefix: str, filename: str) -> str:
    """A generated storage name: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename or "").suffix.lower()[:10]
    return f"private/complaints/{prefix}/{uuid.uuid4().hex}{suffix}"


def attachment_upload_to(instance, filename):
    return _private_name("attachments", filename)


# SPEC.md §4 defaults; the data migration seeds the first rule set with them.
DEFAULT_REPLY_WORKING_DAYS = 3
DEFAULT_SOLUTION_WORKING_DAYS = 3
DEFAULT_FOLLOW_UP_WORKING_DAYS = 3
DEFAULT_PANEL_WORKING_DAYS = 7


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
    step = models.PositiveSmallIntegerField(_("step"))
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


class Investigation(models.Model):
    """The investigation form (商户投诉调查表) of one round: valid or not, the findings,
    and — when valid — the responsible department and person the transfer slip goes to."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="investigations"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    valid = models.BooleanField(_("valid"))
    findings = models.TextField(_("findings"))
    department = models.ForeignKey(
        "workplace.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["complaint", "round"], name="one_investigation_per_round")]

    def __str__(self):
        return f"{self.complaint_id} round {self.round}"


class Solution(models.Model):
    """A solution of one round (the answer to the transfer slip, 客户投诉传递单): the
    responsible head's, or the arbitration panel's decision at level 2. A rejected
    solution stays; the next attempt is a new row."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="solutions"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    text = models.TextField(_("solution"))
    due = models.DateTimeField(_("was due"), null=True, blank=True)
    dispute_level = models.PositiveSmallIntegerField(_("dispute level"), default=1)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["round", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round", "attempt"], name="one_solution_per_attempt")
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.round}.{self.attempt}"


class Opinion(models.Model):
    """The merchant's opinion on a solution (商户意见表), recorded by customer service or
    given by the merchant itself."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="opinions"
    )
    solution = models.OneToOneField(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="opinion"
    )
    accepted = models.BooleanField(_("accepted"))
    text = models.TextField(_("opinion"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("merchant opinion")
        verbose_name_plural = _("merchant opinions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.complaint_id} {'accepted' if self.accepted else 'rejected'}"


class Implementation(models.Model):
    """The responsible head's note that the accepted solution was carried out (step 5)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="implementations"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["complaint", "round"], name="one_implementation_per_round")]

    def __str__(self):
        return f"{self.complaint_id} round {self.round}"


class FollowUpVisit(models.Model):
    """A follow-up visit with its satisfaction survey (客户满意度调查表), step 6."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="visits"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    visited_on = models.DateField(_("visited on"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.complaint_id} {self.visited_on} {self.satisfaction}"

    @property
    def is_satisfied(self) -> bool:
        return self.satisfaction in SATISFIED_ANSWERS


class Arbitration(models.Model):
    """An escalation of the dispute (三级纠纷处理).

    Level 2, the platform's arbitration panel: at least two managers (``panel``), evidence
    from both sides (``Attachment`` rows with ``arbitration`` set and a ``side``), a
    written ``decision`` within 7 working days (``due``), published to the merchant.
    Level 3, external arbitration: the ``body``, its ``case_number`` and the ``outcome``.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="arbitrations"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=DisputeLevel.choices)
    reason = models.TextField(_("reason for escalating"))
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("escalated by"), on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated at"))
    due = models.DateTimeField(_("decision due"), null=True, blank=True)
    due_fallback = models.BooleanField(_("decision due counted fallback days"), default=False)
    # Level 2.
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("panel members"), blank=True, related_name="arbitration_panels"
    )
    decision = models.TextField(_("decision"), blank=True)
    published = models.BooleanField(_("published to the merchant"), default=False)
    # Level 3.
    body = models.CharField(_("arbitration body"), max_length=200, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("arbitration")
        verbose_name_plural = _("arbitrations")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "level"], name="one_arbitration_per_level"),
            models.CheckConstraint(condition=models.Q(level__in=[2, 3]), name="arbitration_level_2_or_3"),
        ]

    def __str__(self):
        return f"{self.complaint_id} level {self.level}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class AttachmentSide(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    PLATFORM = "platform", _("Platform")


class Attachment(models.Model):
    """A file attached to a complaint (photos, receipts) or, with ``arbitration`` set,
    evidence for the panel. Private: stored under a generated name, served only through
    a permission-checked view; type detected from the content."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    arbitration = models.ForeignKey(
        Arbitration,
        verbose_name=_("arbitration"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    side = models.CharField(_("side"), max_length=10, choices=AttachmentSide.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or str(self.pk)


class PenaltyRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible person")
    HEAD = "head", _("Department head")


class Penalty(models.Model):
    """A deduction recorded when a valid complaint closes (SPEC.md §4), for the payroll of
    ``month`` (the first day of the closing month, Asia/Shanghai). ``amount`` is negative.
    Compensation reads these; they are never edited or deleted."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="penalties"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="complaint_penalties"
    )
    role = models.CharField(_("as"), max_length=20, choices=PenaltyRole.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    month = models.DateField(_("payroll month"), help_text=_("First day of the month."))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("complaint penalty")
        verbose_name_plural = _("complaint penalties")
        ordering = ["complaint_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "role"], name="one_penalty_per_complaint_and_role"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="penalty_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "person"])]

    def __str__(self):
        return f"{self.complaint_id} {self.role} {self.amount}"


class PointKind(models.TextChoices):
    VALID_COMPLAINT = "valid_complaint", _("Valid complaint")
    GOOD_REVIEW = "good_review", _("Good review")


class PointEvent(models.Model):
    """A recruiter's monthly point from complaint handling (SPEC.md §5.1): −0.5 for a
    valid complaint against one of their merchants (once per complaint), +0.5 for each
    follow-up survey answered satisfied or better (美评). ``month`` is the first day of
    the month it happened in (Asia/Shanghai). Compensation reads these."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="point_events"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recruiter"), on_delete=models.PROTECT, related_name="complaint_points"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    visit = models.OneToOneField(
        FollowUpVisit,
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="point_event",
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("recruiter point from a complaint")
        verbose_name_plural = _("recruiter points from complaints")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(kind="valid_complaint"),
                name="one_valid_complaint_point_per_complaint",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="point_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "recruiter"])]

    def __str__(self):
        return f"{self.recruiter_id} {self.kind} {self.points}"
