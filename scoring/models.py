import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from merchants.models import Category
from workplace.exceptions import ApplicationError

from .rules import Decoration, Frequency, MerchantClass, RuleTable, rule_table_from_data

# The data migration dates the rule set it seeds 2000-01-01, meaning "from the start".
INITIAL_EFFECTIVE_FROM = dt.date(2000, 1, 1)


class ScoringRuleSet(models.Model):
    """The parameters of the star rating (商家加盟星级评估标准, SPEC.md §2) from a date on.

    A change is a new rule set with a later ``effective_from``; a rule set in force is
    never edited, so every evaluation can be traced to the exact numbers it used.
    """

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"), unique=True)
    bands = models.JSONField(
        _("bands and points"),
        help_text=_(
            "For area_sqm, registered_capital, staff_count and years_in_business: a list of bands, "
            'each {"below": edge, "points": p} (value < edge) or {"up_to": edge, "points": p} '
            '(value ≤ edge), edges ascending, the last one {"points": p} for everything above. '
            "For decoration and frequency: the points of each choice."
        ),
    )
    brand_min = models.PositiveSmallIntegerField(_("lowest brand points"), default=1)
    brand_max = models.PositiveSmallIntegerField(_("highest brand points"), default=5)
    class_two_threshold = models.DecimalField(
        _("class II from score"),
        max_digits=6,
        decimal_places=2,
        help_text=_("A merchant that is not a large or chain supermarket is class II from this score up, else III."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("star-rating rule set")
        verbose_name_plural = _("star-rating rule sets")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.name} ({self.in_force_label})"

    @property
    def in_force_label(self) -> str:
        if self.effective_from <= INITIAL_EFFECTIVE_FROM:
            return str(_("initial rules, in force from the start"))
        return str(_("in force since %(date)s") % {"date": f"{self.effective_from:%Y-%m-%d}"})

    @cached_property
    def table(self) -> RuleTable:
        return rule_table_from_data(
            bands=self.bands,
            class_two_threshold=self.class_two_threshold,
            brand_min=self.brand_min,
            brand_max=self.brand_max,
        )

    def clean(self):
        try:
            rule_table_from_data(
                bands=self.bands,
                class_two_threshold=self.class_two_threshold,
                brand_min=self.brand_min,
                brand_max=self.brand_max,
            )
        except ApplicationError as error:
            raise ValidationError({error.field or "bands": str(error.message)}) from None


class Evaluation(models.Model):
    """A star evaluation of a merchant (商家加盟星级评估). Re-evaluating adds a new row; the
    old ones stay, and the one on file when the merchant signed counts for points."""

    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="evaluations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="evaluations"
    )
    rule_set = models.ForeignKey(
        ScoringRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="evaluations"
    )
    # The calculator's inputs, as judged at the time.
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    brand = models.PositiveSmallIntegerField(_("brand recognition"))
    decoration = models.CharField(_("decoration"), max_length=20, choices=Decoration.choices)
    area_sqm = models.DecimalField(_("business area (m²)"), max_digits=12, decimal_places=2)
    # Wider than other money: registered capital of large chains runs into the tens of billions.
    registered_capital = models.DecimalField(_("registered capital (yuan)"), max_digits=18, decimal_places=2)
    staff_count = models.PositiveIntegerField(_("staff count"))
    years_in_business = models.DecimalField(_("years in business"), max_digits=6, decimal_places=2)
    frequency = models.CharField(_("consumption frequency"), max_length=20, choices=Frequency.choices)
    large_or_chain = models.BooleanField(_("large or chain"), default=False)
    # The result.
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    merchant_class = models.CharField(_("class"), max_length=3, choices=MerchantClass.choices)
    items = models.JSONField(_("points per item"))
    created_at = models.DateTimeField(_("evaluated at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("star evaluation")
        verbose_name_plural = _("star evaluations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]

    def __str__(self):
        return f"{self.merchant_id} · {self.score} · {self.merchant_class}"

    @property
    def inputs(self) -> dict:
        return {
            "category": self.category,
            "brand": self.brand,
            "decoration": self.decoration,
            "area_sqm": self.area_sqm,
            "registered_capital": self.registered_capital,
            "staff_count": self.staff_count,
            "years_in_business": self.years_in_business,
            "frequency": self.frequency,
            "large_or_chain": self.large_or_chain,
        }
