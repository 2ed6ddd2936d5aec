"""Merchant money (SPEC.md §8): deposits (保证金) and prepaid-card consumption."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from merchants.models import MerchantClass


class DepositRuleSet(models.Model):
    """The deposit a merchant owes on signing, by its class at signing (SPEC.md §8), in
    force from ``effective_from`` until a later set. A change is a new row, never an edit."""

    effective_from = models.DateField(_("effective from"), unique=True)
    class_i = models.DecimalField(_("class I deposit"), max_digits=12, decimal_places=2)
    class_ii = models.DecimalField(_("class II deposit"), max_digits=12, decimal_places=2)
    class_iii = models.DecimalField(_("class III deposit"), max_digits=12, decimal_places=2)
    refund_working_days = models.PositiveSmallIntegerField(_("refund within (working days)"), default=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deposit rule set")
        verbose_name_plural = _("deposit rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(class_i__gte=0, class_ii__gte=0, class_iii__gte=0), name="deposit_rules_not_negative"
            ),
        ]

    def __str__(self):
        return str(self.effective_from)

    def amount_for(self, merchant_class: str) -> Decimal:
        """The deposit of a class; a merchant signed without a class owes the class III amount."""
        return {MerchantClass.I: self.class_i, MerchantClass.II: self.class_ii}.get(merchant_class, self.class_iii)


class DepositStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("deposit status", "Due")
    HELD = "held", _("Held")
    REFUND_DUE = "refund_due", _("Refund due")
    REFUNDED = "refunded", _("Refunded")


class Deposit(models.Model):
    """A signed merchant's deposit: what it owes, what finance received, what was deducted
    (approved by the general manager) and refunded. The figures are sums of its entries,
    kept on the row (updated under a row lock) so lists read them in one query."""

    merchant = models.OneToOneField(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="deposit"
    )
    required = models.DecimalField(_("required"), max_digits=12, decimal_places=2)
    received = models.DecimalField(
        pgettext_lazy("deposit", "received"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    deducted = models.DecimalField(_("deducted"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(
        _("status"), max_length=20, choices=DepositStatus.choices, default=DepositStatus.DUE, db_index=True
    )
    # Set on the merchant's termination: the last day to refund the balance.
    refund_due = models.DateField(_("refund due by"), null=True, blank=True, db_index=True)
    refund_reminded_at = models.DateTimeField(_("refund reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(required__gte=0, received__gte=0, deducted__gte=0, refunded__gte=0),
                name="deposit_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.merchant_id}: {self.required}"

    @property
    def refundable(self) -> Decimal:
        """What the alliance still holds: received − deducted − refunded."""
        return self.received - self.deducted - self.refunded


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DEDUCTION = "deduction", _("Deduction")
    REFUND = "refund", _("Refund")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DepositEntry(models.Model):
    """One movement of a deposit (who, when, why). Receipts and refunds are recorded by
    finance and count at once; a deduction counts once the general manager approves it.
    Never deleted."""

    deposit = models.ForeignKey(Deposit, verbose_name=_("deposit"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.APPROVED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deposit entry")
        verbose_name_plural = _("deposit entries")
        ordering = ["recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_entry_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class CardTransaction(models.Model):
    """One day's prepaid-card consumption at a merchant (预付卡消费), imported from the card
    system; ``reference`` is the card system's key (an import is idempotent on it)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="card_transactions"
    )
    date = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("card transaction")
        verbose_name_plural = _("card transactions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["merchant", "date"], name="card_tx_merchant_date")]

    def __str__(self):
        return self.reference


class SettlementRuleSet(models.Model):
    """The dated settlement rules (SPEC.md §8, seed 001): the launch promotion — commission
    multiplied by ``promotion_factor`` for a merchant's first ``promotion_months`` after signing,
    when it signed inside the window — and grade A's relative discount. A change is a new row."""

    effective_from = models.DateField(_("effective from"), unique=True)
    promotion_window_from = models.DateField(_("promotion signing window from"))
    promotion_window_to = models.DateField(_("promotion signing window to"))
    promotion_months = models.PositiveSmallIntegerField(_("promotion months"), default=3)
    promotion_factor = models.DecimalField(
        _("promotion factor"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    grade_a_discount = models.DecimalField(
        _("grade A discount"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.05"),
        help_text=_("Relative: 0.05 turns a 10.00 % rate into 9.50 %."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement rule set")
        verbose_name_plural = _("settlement rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promotion_window_to__gte=models.F("promotion_window_from")),
                name="settlement_rules_window_ordered",
            ),
        ]

    def __str__(self):
        return str(self.effective_from)


class StatementStatus(models.TextChoices):
    OPEN = "open", _("open")
    PAYABLE = "payable", _("payable")
    PAID = "paid", _("paid")
    # Finance holds a payable statement's payout (e.g. a pending investigation); releasing it
    # makes it payable again. The figures never change once payable.
    HELD = "held", _("held")


class HoldReason(models.TextChoices):
    """Why a statement is held: by finance (with a note), or by the daily job because a line's
    day has no commission rate in force (no agreed rate and no category standard)."""

    FINANCE = "finance", _("held by finance")
    NO_RATE = "no_rate", _("no commission rate in force")


# Rates are percent (``10.0000000000`` is 10 %), kept exactly: the agreed rate (4 places)
# times the promotion factor (3 places) times grade A's 1 − discount (3 places) has at most
# 10 places (a promotion × grade A rate such as 6.55 × 0.5 × 0.95 = 3.11125 %).
RATE_DIGITS, RATE_DECIMALS = 14, 10


class Statement(models.Model):
    """A merchant's settlement statement of day T (结算单, T+15)."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="statements"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    gross = models.DecimalField(_("gross"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    commission = models.DecimalField(_("commission"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    net = models.DecimalField(_("net"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    payable_on = models.DateField(_("payable on"))
    status = models.CharField(_("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.OPEN)
    # The rate of the statement's own day (null: none in force on it).
    rate = models.DecimalField(
        _("commission rate"), max_digits=RATE_DIGITS, decimal_places=RATE_DECIMALS, null=True, blank=True
    )
    promotion_applied = models.BooleanField(_("promotion applied"), default=False)
    discount_applied = models.BooleanField(_("grade A discount applied"), default=False)
    rule_set = models.ForeignKey(
        SettlementRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    held_for = models.CharField(_("held for"), max_length=10, choices=HoldReason.choices, blank=True)
    hold_note = models.CharField(_("reason for the hold"), max_length=500, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["-period_end", "merchant_id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "period_start"], name="statement_merchant_day"),
        ]
        indexes = [models.Index(fields=["status", "period_end"], name="statement_status_day")]

    def __str__(self):
        return f"{self.merchant_id} {self.period_start}"


class LineKind(models.TextChoices):
    TRANSACTION = "transaction", _("card transaction")
    DISPUTE_RELEASE = "dispute_release", _("released dispute amount")
    DISPUTE_HOLD = "dispute_hold", _("amount held for a dispute")
    LATE_CORRECTION = "late_correction", _("late correction")


class StatementLine(models.Model):
    """One line of a statement: a card transaction of its day, a dispute's held or released
    amount, or a transaction of an already payable day carried onto this statement."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    day = models.DateField(_("day"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # Null: no commission rate in force on the line's day (its statement is held, see
    # ``settling``); filled in when finance releases the statement once a rate is on file.
    rate = models.DecimalField(
        _("commission rate"), max_digits=RATE_DIGITS, decimal_places=RATE_DECIMALS, null=True, blank=True
    )
    transaction = models.ForeignKey(
        CardTransaction, verbose_name=_("card transaction"), on_delete=models.PROTECT, null=True, blank=True
    )
    dispute = models.ForeignKey(
        "settlement.SettlementDispute",
        verbose_name=_("dispute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement_id", "day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction"], condition=Q(transaction__isnull=False), name="statement_line_transaction_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class SettlementDispute(models.Model):
    """An amount of a merchant's day under dispute: held out of that day's statement until
    finance closes it, then entering the statement of the closing day."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="settlement_disputes"
    )
    day = models.DateField(_("day"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("settlement dispute")
        verbose_name_plural = _("settlement disputes")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_dispute_amount_positive"),
        ]
        indexes = [models.Index(fields=["merchant", "day"], name="settlement_dispute_day")]

    def __str__(self):
        return f"{self.merchant_id} {self.day} {self.amount}"


class CreditRuleSet(models.Model):
    """The dated credit-rating rules (SPEC.md §8): the starting score, each factor's points,
    the caps, the clamp and the grade thresholds, in force from ``effective_from`` until a
    later set. A change is a new row, never an edit."""

    effective_from = models.DateField(_("effective from"), unique=True)
    window_months = models.PositiveSmallIntegerField(_("months looked back"), default=12)
    start = models.SmallIntegerField(_("starting score"), default=80)
    valid_complaint = models.SmallIntegerField(_("points per valid complaint"), default=-10)
    rejected_solution = models.SmallIntegerField(_("points per rejected solution"), default=-5)
    unsatisfied_survey = models.SmallIntegerField(_("points per unsatisfied survey"), default=-5)
    held_settlement = models.SmallIntegerField(_("points per settlement held for a dispute"), default=-5)
    satisfied_survey = models.SmallIntegerField(_("points per satisfied survey"), default=2)
    satisfied_survey_cap = models.SmallIntegerField(_("cap of the satisfied surveys' points"), default=10)
    full_deposit = models.SmallIntegerField(_("points for a full deposit held"), default=5)
    tenure_year = models.SmallIntegerField(_("points per full year since signing"), default=2)
    tenure_cap = models.SmallIntegerField(_("cap of the tenure points"), default=10)
    minimum = models.SmallIntegerField(_("lowest score"), default=0)
    maximum = models.SmallIntegerField(_("highest score"), default=100)
    grade_a_from = models.SmallIntegerField(_("grade A from"), default=90)
    grade_b_from = models.SmallIntegerField(_("grade B from"), default=75)
    grade_c_from = models.SmallIntegerField(_("grade C from"), default=60)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit rule set")
        verbose_name_plural = _("credit rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__lt=models.F("maximum"))
                & Q(grade_a_from__gt=models.F("grade_b_from"))
                & Q(grade_b_from__gt=models.F("grade_c_from")),
                name="credit_rules_ordered",
            ),
            models.CheckConstraint(
                condition=Q(satisfied_survey_cap__gte=0, tenure_cap__gte=0, window_months__gte=1),
                name="credit_rules_caps_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.effective_from)


class CreditGrade(models.TextChoices):
    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C")
    D = "D", _("Grade D")


class CreditRating(models.Model):
    """A merchant's monthly credit rating (信用评级, SPEC.md §8), in force from ``as_of`` (the
    first day of the month it is computed for) and computed from the ``window_months`` before
    it. ``factors`` keeps how it was reached: ``[{"code", "count", "points"}]`` (the codes are
    ``settlement.credit.FACTORS``; shown in the reader's language). Never rewritten: one
    rating per merchant and month, a recompute of a rated month leaves it as it was."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="credit_ratings"
    )
    as_of = models.DateField(_("as of"))
    score = models.SmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1, choices=CreditGrade.choices)
    factors = models.JSONField(_("factors"), default=list)
    rule_set = models.ForeignKey(CreditRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["-as_of", "merchant_id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "as_of"], name="credit_rating_merchant_month"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="credit_rating_score_range"),
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.as_of} {self.grade}"
