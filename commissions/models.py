from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from merchants.models import Category, in_force_label
from workplace.roles import MANAGEMENT_LADDER, Role
from workplace.workflow import StatusChange

from . import rules

LADDER_CHOICES = [(role.value, role.label) for role in MANAGEMENT_LADDER]
APPROVER_CHOICES = [(role.value, role.label) for role in MANAGEMENT_LADDER if role != Role.RECRUITER]


class CommissionStandard(models.Model):
    """The internal standard rates of one category (招商谈判预付费卡佣金标准, SPEC.md §3),
    in force from ``effective_from`` until a later row of the same category. Never shown
    to merchants. A change is a new row; old rows are never edited."""

    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    effective_from = models.DateField(_("effective from"))
    bank_card_fee = models.DecimalField(_("bank-card fee (%)"), max_digits=12, decimal_places=2)
    prepaid_commission = models.DecimalField(_("prepaid-card commission (%)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission standard")
        verbose_name_plural = _("commission standards")
        ordering = ["category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "effective_from"], name="commission_standard_unique_date"),
            models.CheckConstraint(
                condition=Q(
                    bank_card_fee__gt=0, bank_card_fee__lte=100, prepaid_commission__gt=0, prepaid_commission__lte=100
                ),
                name="commission_standard_rates_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.effective_from}"


class AuthorityBandSet(models.Model):
    """One version of the prepaid-card approval authority table (审批权限, SPEC.md §3),
    in force from ``effective_from`` until a later version."""

    effective_from = models.DateField(_("effective from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authority band version")
        verbose_name_plural = _("authority band versions")
        ordering = ["-effective_from"]

    def __str__(self):
        return str(self.effective_from)


class AuthorityBand(models.Model):
    """``role`` must approve ratios from ``min_ratio`` (inclusive or not) up to the next
    band's bound."""

    band_set = models.ForeignKey(
        AuthorityBandSet, verbose_name=_("version"), on_delete=models.PROTECT, related_name="bands"
    )
    role = models.CharField(_("authority"), max_length=30, choices=LADDER_CHOICES)
    min_ratio = models.DecimalField(_("lower bound of the ratio (%)"), max_digits=12, decimal_places=2)
    min_inclusive = models.BooleanField(_("lower bound included"), default=True)

    class Meta:
        verbose_name = _("authority band")
        verbose_name_plural = _("authority bands")
        ordering = ["band_set", "-min_ratio"]
        constraints = [models.UniqueConstraint(fields=["band_set", "role"], name="authority_band_unique_role")]

    def __str__(self):
        sign = "≥" if self.min_inclusive else ">"
        return f"{self.get_role_display()} {sign} {self.min_ratio}"

    def as_rule(self) -> rules.Band:
        return rules.Band(self.role, self.min_ratio, self.min_inclusive)


# SPEC.md §3 default: a step waiting more than this many working days is reminded.
DEFAULT_REMINDER_WORKING_DAYS = 1


class ApprovalRuleSet(models.Model):
    """The parameters of the approval process, in force from a date (a change is a new
    set). The set in force on the day a step became current applies to that step."""

    effective_from = models.DateField(_("effective from"), unique=True)
    reminder_working_days = models.PositiveSmallIntegerField(
        _("remind approvers after (working days)"), default=DEFAULT_REMINDER_WORKING_DAYS
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval rule set")
        verbose_name_plural = _("approval rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(reminder_working_days__gte=1), name="approval_rules_positive"),
        ]

    def __str__(self):
        return in_force_label(self.effective_from)


class RequestKind(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid-card commission")
    BANK_CARD = "bank_card", _("Bank-card fee reduction")
    POS_FEE_WAIVER = "pos_fee_waiver", _("POS service-fee waiver")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOT_REQUIRED = "not_required", _("Within authority (no approval needed)")


# The request's workflow (SPEC.md §3): decided step by step, it closes at the last
# approval or the first rejection. ``not_required`` is settled when made; closed states
# never move again.
RATE_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PENDING: frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED}),
    RequestStatus.APPROVED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.NOT_REQUIRED: frozenset(),
}


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RateRequest(models.Model):
    """A request for a rate term (费率申请): a prepaid-card commission, a bank-card fee
    below the standard, or a POS service-fee waiver. The standard, the ratio, the bands'
    verdict and the chain (as steps) are frozen when it is made; later edits of the rules
    do not move it. Decided step by step; never deleted."""

    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices, default=RequestKind.PREPAID)
    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="rate_requests"
    )
    # Frozen from the merchant when requested: scoping follows the department of that day.
    department = models.ForeignKey(
        "workplace.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_requests",
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    proposed_rate = models.DecimalField(_("proposed rate (%)"), max_digits=12, decimal_places=4, null=True, blank=True)
    standard = models.ForeignKey(
        CommissionStandard,
        verbose_name=_("standard applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    standard_rate = models.DecimalField(_("standard rate (%)"), max_digits=12, decimal_places=2, null=True, blank=True)
    ratio = models.DecimalField(_("ratio (%)"), max_digits=24, decimal_places=10, null=True, blank=True)
    band_set = models.ForeignKey(
        AuthorityBandSet,
        verbose_name=_("bands applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    required_role = models.CharField(_("required authority"), max_length=30, choices=LADDER_CHOICES)
    reason = models.TextField(_("reason"))
    effective_from = models.DateField(_("requested effective date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The step waiting for a decision; empty once the request is closed.
    current_step = models.ForeignKey(
        "ApprovalStep",
        verbose_name=_("current step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rate request")
        verbose_name_plural = _("rate requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request per merchant and kind; re-request after a decision.
            models.UniqueConstraint(
                fields=["merchant", "kind"], condition=Q(status="pending"), name="rate_request_one_pending"
            ),
        ]
        indexes = [
            # The approval queue, oldest first: only the pending requests, in its order, so
            # its first page is read from the head of the index (not a scan and a sort).
            models.Index(fields=["created_at", "id"], condition=Q(status="pending"), name="rate_request_queue"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The approval reference quoted in contracts."""
        return f"RR-{self.pk:06d}" if self.pk else "RR-new"

    @property
    def display_ratio(self):
        return rules.display_percent(self.ratio) if self.ratio is not None else None

    @property
    def proposed_rate_text(self):
        return rules.percent_text(self.proposed_rate)


class ApprovalStep(models.Model):
    """One level of a request's chain (逐级审批). Created with the request, decided once."""

    request = models.ForeignKey(RateRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(_("role"), max_length=30, choices=APPROVER_CHOICES)
    # When the step became current: the reminder clock starts here.
    activated_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The decider's own level; differs from ``role`` when a higher level acted in place
    # of an absent lower one.
    decided_as = models.CharField(_("decided as"), max_length=30, choices=LADDER_CHOICES, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Why a higher level decided in place of this step's role (required then).
    acting_reason = models.TextField(_("reason for deciding in place"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="approval_step_unique_position")]

    def __str__(self):
        return f"{self.request} #{self.position} {self.get_role_display()}"

    @property
    def acting_for(self) -> str | None:
        """The role acted for, when a higher level decided in place of this step's role."""
        if self.decided_as and self.decided_as != self.role:
            return self.role
        return None


class RateRequestStatusChange(StatusChange):
    """One move of a request's status (pending → approved or rejected): who, when, why.
    The decisions of the single steps are on ``ApprovalStep``."""

    request = models.ForeignKey(
        RateRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("rate request status change")
        verbose_name_plural = _("rate request status changes")


class MerchantRate(models.Model):
    """A merchant's agreed rate from ``effective_from`` until a later row of the same kind,
    with the request that granted it (the approval reference)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="agreed_rates"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=[c for c in RequestKind.choices if c[0] != RequestKind.POS_FEE_WAIVER]
    )
    rate = models.DecimalField(_("rate (%)"), max_digits=12, decimal_places=4)
    effective_from = models.DateField(_("effective from"))
    request = models.OneToOneField(
        RateRequest, verbose_name=_("approval"), on_delete=models.PROTECT, related_name="merchant_rate"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant rate")
        verbose_name_plural = _("merchant rates")
        ordering = ["merchant", "kind", "-effective_from", "-id"]
        indexes = [models.Index(fields=["merchant", "kind", "effective_from"])]

    def __str__(self):
        return f"{self.merchant} {self.get_kind_display()} {self.rate}"

    @property
    def reference(self) -> str:
        return f"RR-{self.request_id:06d}"
