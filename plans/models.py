"""Recruitment plans (招商计划, SPEC.md §6).

A plan covers a region for a period, with targets by segment (and optionally category),
phases with their own dates, regions and targets, per-recruiter quotas, and the managers
who negotiate class I merchants. Plans are working documents: they are edited as the
campaign goes (the audit trail, django-auditlog, keeps every change), unlike decisions.

Merchants link to regions by name: ``Merchant.district`` is a free text field on the
merchant, and a merchant is "in" a region when its ``district`` equals the region's
``name`` (a district or county) — or one of the region's children's names, for a city.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from merchants.models import Category, Segment


class RegionKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("Urban district")
    COUNTY = "county", _("County")


class Region(models.Model):
    """A city (市) and its urban districts (区) and counties (县, county-level cities).

    ``name`` is what merchants write in their ``district`` field (e.g. "颍州区")."""

    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Plan(models.Model):
    """A recruitment plan for a region and a period."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    # The managers who negotiate class I merchants themselves (SPEC.md §6).
    class_i_negotiators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("class I negotiators"),
        blank=True,
        related_name="class_i_plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_plans",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recruitment plan")
        verbose_name_plural = _("recruitment plans")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name


class PlanTarget(models.Model):
    """How many merchants of a segment (optionally of one category) the plan aims to sign."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    count = models.PositiveIntegerField(_("number of merchants"))

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "segment", "category"], name="plans_target_unique_per_plan"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.segment} {self.category} {self.count}"


class Phase(models.Model):
    """A stage of a plan with its own dates, regions and targets (e.g. the urban districts first)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), related_name="phases")

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["plan", "starts_on", "id"]

    def __str__(self):
        return self.name


class PhaseTarget(models.Model):
    """How many merchants of a segment (optionally of one category) a phase aims to sign."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="targets")
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    count = models.PositiveIntegerField(_("number of merchants"))

    class Meta:
        verbose_name = _("phase target")
        verbose_name_plural = _("phase targets")
        ordering = ["phase", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "segment", "category"], name="plans_phase_target_unique"),
        ]

    def __str__(self):
        return f"{self.phase_id}: {self.segment} {self.category} {self.count}"


class Quota(models.Model):
    """How many merchants a recruiter is to sign under a plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="quotas")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recruiter"), on_delete=models.PROTECT, related_name="plan_quotas"
    )
    count = models.PositiveIntegerField(_("number of merchants"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "recruiter"], name="plans_quota_unique_per_recruiter"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.recruiter_id} {self.count}"
