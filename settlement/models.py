"""Merchant money (SPEC.md §8): deposits (保证金) and prepaid-card consumption."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    DUE = "due", _("Due")
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
    received = models.DecimalField(_("received"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
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
