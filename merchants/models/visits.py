"""The site visits (实地考察) of an application and their photos and videos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .application import Application
from .choices import visit_media_upload_to


class SiteVisit(models.Model):
    """A site visit (实地考察) to the merchant's premises, mandatory for dining & entertainment."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField(pgettext_lazy("site visit", "visited on"))
    notes = models.TextField(pgettext_lazy("site visit", "notes"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.application_id} {self.visited_on}"


class SiteVisitMedia(models.Model):
    """A photo or video taken on a site visit (private file)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    visit = models.ForeignKey(SiteVisit, verbose_name=_("site visit"), on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=visit_media_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("site visit photo or video")
        verbose_name_plural = _("site visit photos and videos")
        ordering = ["id"]

    def __str__(self):
        return self.original_name or str(self.pk)
