"""Alliance activities (SPEC.md §9, issue 12): joint customer acquisition.

An activity is held in a district. The district is the merchants' own ``district`` text
(``merchants.Merchant.district``, the name of a ``plans.Region`` of kind district or
county, e.g. "颍州区"), not a foreign key to a region: merchants link to regions by name
(see plans/models.py), and the API takes and gives the name. The invited merchants are
signed (active) merchants of that district; each has a participation row that records
the invitation and the merchant's answer in the portal.

Priority in an oversubscribed activity is bought with credit points at a dated price
(``PriorityPrice``); the participation records it (``priority_at``).

A referral is a customer sent by one participant to another during the activity; the
receiving merchant owes the referring one a share (5 %, ``ReferralShare``, a dated rule)
of what that customer spent.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """A joint customer-acquisition activity (联合拓客活动)."""

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    district = models.CharField(_("district"), max_length=50, db_index=True)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    subsidy = models.DecimalField(
        _("venue subsidy per participant"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="created_activities",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class Participation(models.Model):
    """A merchant invited to an activity, and its answer (accepted or declined) in the portal."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="participations"
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        related_name="activity_participations",
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    # Accepted when every place was taken: on the waiting list until a place is freed
    # (``alliance.priority``: grade A first, then the points balance, then who asked first).
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    # Priority bought with credit points (``alliance.redemptions.priority_buy``): ranked
    # right after grade A merchants when a place is given. The points entry is the receipt.
    priority_at = models.DateTimeField(_("priority bought at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["activity_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "merchant"], name="alliance_participation_unique"),
        ]

    def __str__(self):
        return f"{self.activity_id}: {self.merchant_id}"

    @property
    def taking_part(self) -> bool:
        return self.accepted_at is not None


class ReferralShare(models.Model):
    """The referral share (按引流效果分成): the percentage of a referred customer's spend the
    receiving merchant owes the referring one, in force from a date ("5.00" = 5 %)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    percent = models.DecimalField(_("share of the referred spend (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("referral share")
        verbose_name_plural = _("referral shares")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.percent} %"


class PriorityPrice(models.Model):
    """The price in credit points of priority in an oversubscribed activity (SPEC.md §9:
    points redeem for "priority in oversubscribed activities"; SPEC gives no price, the
    default is 20 points), in force from a date. A change is a new row."""

    effective_from = models.DateField(_("effective from"), unique=True)
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("priority price")
        verbose_name_plural = _("priority prices")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.points}"


class Referral(models.Model):
    """A customer referred by one participant to another during an activity, and what the
    customer spent there. ``share`` is what the receiving merchant owes the referring one."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("referring merchant"),
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    to_merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("receiving merchant"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    customer_ref = models.CharField(_("customer reference"), max_length=100, unique=True)
    spend = models.DecimalField(_("spend"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"), db_index=True)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    share = models.DecimalField(_("share owed"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.customer_ref


class PointReason(models.TextChoices):
    PARTICIPATION = "participation", _("Taking part in an activity")
    WITHDRAWAL = "withdrawal", _("Withdrawing from an activity")
    REFERRAL = "referral", _("A referred customer who spent")
    SURVEY = "survey", _("A satisfied survey")
    POS_FEE = "pos_fee", _("Redeemed: one month's POS service fee")
    PRIORITY = "priority", _("Redeemed: priority in an oversubscribed activity")


class PointEntry(models.Model):
    """A change of a merchant's credit points (商户信用积分) with its reason; the balance is
    the sum. Entries are never edited or deleted: a correction is a new entry."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="point_entries"
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=20, choices=PointReason.choices)
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # One entry per satisfied survey (the visit of a complaint's follow-up, SPEC §4 step 6).
    survey = models.OneToOneField(
        "complaints.FollowUpVisit",
        verbose_name=_("survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A redemption: the month of a terminal's POS service fee it paid (compensation's record).
    fee_credit = models.OneToOneField(
        "compensation.PosFeeCredit",
        verbose_name=_("POS service fee credit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit points entry")
        verbose_name_plural = _("credit points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Priority in an activity is bought once per merchant.
            models.UniqueConstraint(
                fields=["merchant", "activity"],
                condition=models.Q(reason="priority"),
                name="alliance_one_priority_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.merchant_id}: {self.points:+d} {self.reason}"
