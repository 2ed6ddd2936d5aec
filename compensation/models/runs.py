"""Payroll runs (SPEC.md §5.7): one run per kind and period, its lines (one per person)
and each line's explanation, corrections as adjustment lines, and the year-end pool with
the department head's allocation and the general manager's approval."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workplace.workflow import StatusChange


class RunKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly payroll")
    QUARTERLY = "quarterly", _("Quarterly bonus")
    YEAR_END = "year_end", _("Year-end bonus")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class PayrollRun(models.Model):
    """A run of one kind for one period ("2026-10", "2026-Q3", "2026"). The database
    holds at most one per kind and period, so two starts — even at the same instant from
    two workers — end on the same run. A draft is recomputed at will (its lines are
    replaced in one transaction); a final run is locked. ``computed_at`` is empty until
    the first computation has committed: a run left so by a killed worker is computed
    again by the sweep."""

    kind = models.CharField(_("kind"), max_length=20, choices=RunKind.choices, default=RunKind.MONTHLY)
    period = models.CharField(_("period"), max_length=7)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    rules = models.ForeignKey(
        "compensation.CompensationRuleSet",
        verbose_name=_("rule set"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_through = models.DateField(
        _("figures as of"), null=True, blank=True, help_text=_("The day the figures were computed on.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finalized_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-starts_on", "kind"]
        permissions = [("finalize_payrollrun", _("Can finalise payroll runs"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="one_run_per_kind_and_period"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="run_period_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}"


class PayrollRunStatusChange(StatusChange):
    subject = models.ForeignKey(
        PayrollRun, verbose_name=_("payroll run"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=RunStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=RunStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("payroll run status change")
        verbose_name_plural = _("payroll run status changes")


class PayrollLine(models.Model):
    """One person's pay in a run. Every amount is signed as it adds to ``total``
    (a shortfall or a penalty is negative); ``total`` is their sum."""

    run = models.ForeignKey(PayrollRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="lines")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="payroll_lines"
    )
    department = models.ForeignKey(
        "workplace.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    base_salary = models.DecimalField(_("base salary"), max_digits=12, decimal_places=2, default=0)
    allowance = models.DecimalField(_("allowance"), max_digits=12, decimal_places=2, default=0)
    position_allowance = models.DecimalField(_("position allowance"), max_digits=12, decimal_places=2, default=0)
    assessment_pay = models.DecimalField(_("assessment pay"), max_digits=12, decimal_places=2, default=0)
    pos_shortfall = models.DecimalField(_("POS shortfall"), max_digits=12, decimal_places=2, default=0)
    complaint_penalties = models.DecimalField(_("complaint penalties"), max_digits=12, decimal_places=2, default=0)
    bonus = models.DecimalField(_("bonus"), max_digits=12, decimal_places=2, default=0)
    adjustments = models.DecimalField(_("adjustments"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        ordering = ["run_id", "staff__username"]
        constraints = [models.UniqueConstraint(fields=["run", "staff"], name="one_line_per_run_and_person")]

    def __str__(self):
        return f"{self.run_id} {self.staff_id} {self.total}"


class ItemKind(models.TextChoices):
    BASE_SALARY = "base_salary", _("Base salary")
    ALLOWANCE = "allowance", _("Allowance")
    POSITION_ALLOWANCE = "position_allowance", _("Position allowance")
    SIGNING = "signing", _("Merchant signed")
    GOOD_REVIEW = "good_review", _("Good review")
    VALID_COMPLAINT = "valid_complaint", _("Valid complaint")
    ASSESSMENT_PAY = "assessment_pay", _("Assessment pay")
    POS_SHORTFALL = "pos_shortfall", _("POS shortfall")
    POS_EXEMPT = "pos_exempt", _("POS terminal not charged")
    COMPLAINT_PENALTY = "complaint_penalty", _("Complaint penalty")
    BONUS_MERCHANT = "bonus_merchant", _("Merchant's profit in the bonus base")
    BONUS = "bonus", _("Bonus")
    POOL_SHARE = "pool_share", _("Year-end pool share")
    DEFERRED = "deferred", _("Deferred to next year")
    NOT_PAID = "not_paid", _("Not paid")
    ADJUSTMENT = "adjustment", _("Adjustment")


class LineItem(models.Model):
    """One line of a payslip's explanation: what it is (``kind`` + ``data``, rendered in
    the reader's language), its amount (money, or points for point items), and the record
    that produced it (``source_type`` / ``source_id``: a merchant, terminal, complaint,
    pay profile, handover or adjustment)."""

    line = models.ForeignKey(PayrollLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=30, choices=ItemKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("payslip explanation")
        verbose_name_plural = _("payslip explanations")
        ordering = ["line_id", "position"]

    def __str__(self):
        return f"{self.kind} {self.amount if self.amount is not None else self.points}"


class Adjustment(models.Model):
    """A correction, paid with the monthly payroll of ``month`` as its own line: a final
    run is never edited. Written by a manager with a reason, or by the correction of a
    final run whose inputs changed since (the difference, with the run it corrects)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("paid with the payroll of"), help_text=_("First day of the month."))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    corrects = models.ForeignKey(
        PayrollRun,
        verbose_name=_("corrects run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pay adjustment")
        verbose_name_plural = _("pay adjustments")
        ordering = ["month", "staff_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="adjustment_month_first_day"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="adjustment_not_zero"),
        ]

    def __str__(self):
        return f"{self.staff_id} {self.month:%Y-%m} {self.amount}"


class YearEndPool(models.Model):
    """A department's year-end pool (SPEC.md §5.6) in a year-end run: the figures it was
    computed from and the pool to allocate."""

    run = models.ForeignKey(PayrollRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="pools")
    department = models.ForeignKey(
        "workplace.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    total_profit = models.DecimalField(_("total profit"), max_digits=14, decimal_places=2)
    merchant_months = models.PositiveIntegerField(_("merchant-months"))
    average = models.DecimalField(_("average monthly profit per merchant"), max_digits=14, decimal_places=2)
    rate = models.DecimalField(_("pool rate (%)"), max_digits=5, decimal_places=2)
    pool = models.DecimalField(_("pool"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("year-end pool")
        verbose_name_plural = _("year-end pools")
        ordering = ["run_id", "department__name"]
        constraints = [models.UniqueConstraint(fields=["run", "department"], name="one_pool_per_run_and_department")]

    def __str__(self):
        return f"{self.run_id} {self.department_id} {self.pool}"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("allocation status", "Proposed")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Allocation(models.Model):
    """The department head's split of a pool among the managers; the general manager
    approves it. A new proposal supersedes the last one (kept); an approved one is final."""

    pool = models.ForeignKey(YearEndPool, verbose_name=_("pool"), on_delete=models.PROTECT, related_name="allocations")
    status = models.CharField(
        _("status"), max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("year-end allocation")
        verbose_name_plural = _("year-end allocations")
        ordering = ["pool_id", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool"],
                condition=~models.Q(status="superseded"),
                name="one_live_allocation_per_pool",
            )
        ]

    def __str__(self):
        return f"{self.pool_id} {self.status}"


class AllocationShare(models.Model):
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="shares"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("allocation share")
        verbose_name_plural = _("allocation shares")
        ordering = ["allocation_id", "staff__username"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "staff"], name="one_share_per_person"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="share_not_negative"),
        ]

    def __str__(self):
        return f"{self.staff_id} {self.amount}"
