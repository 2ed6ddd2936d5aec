"""What each step records (investigation, solution, opinion, implementation, follow-up
visits, arbitration), the files, and the outcomes compensation reads (penalties, points)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import (
    SATISFIED_ANSWERS,
    DisputeLevel,
    Satisfaction,
    attachment_upload_to,
)
from .complaint import (
    Complaint,
)


class Investigation(models.Model):
    """The investigation form (商户投诉调查表) of one round: valid or not, the findings,
    and — when valid — the responsible department and person the transfer slip goes to."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="investigations"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    valid = models.BooleanField(_("valid"))
    findings = models.TextField(pgettext_lazy("complaint", "findings"))
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
    decision = models.TextField(pgettext_lazy("complaint", "decision"), blank=True)
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
    """A recruiter's monthly point from customer service (SPEC.md §5.1): −0.5 for a
    valid complaint against one of their merchants (once per complaint), +0.5 for each
    good review (美评): a follow-up survey answered satisfied or better, or positive
    feedback about a merchant logged by customer service (``complaint`` empty,
    ``merchant``, ``note`` and ``logged_by`` set). ``month`` is the first day of the month
    it happened in (Asia/Shanghai). Compensation reads these."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="point_events",
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("feedback"), max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
            models.CheckConstraint(
                condition=models.Q(complaint__isnull=False)
                | models.Q(kind="good_review", merchant__isnull=False, logged_by__isnull=False),
                name="point_from_a_complaint_or_logged_feedback",
            ),
        ]
        indexes = [models.Index(fields=["month", "recruiter"])]

    def __str__(self):
        return f"{self.recruiter_id} {self.kind} {self.points}"
