from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pii import EncryptedCharField


class Department(models.Model):
    """A department of the company (部门), e.g. the recruitment department (招商部)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """Where a staff member stands in the organisation: department, manager, service dates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="staff_profile"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(_("leave date"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def is_active_on(self, day) -> bool:
        if self.hire_date and day < self.hire_date:
            return False
        return not (self.leave_date and day > self.leave_date)


class UserPreference(models.Model):
    """What a user chose for themselves: the language the product speaks to them in, also
    when it writes to them from a background job (notifications, their e-mail)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preference",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)


class CalendarOverride(models.Model):
    """An admin's correction of one day of the working-day calendar (SPEC.md §7).

    Overrides win over the calendar library: they enter schedules the library does not
    know yet (the next year's holidays and 调休 working weekends) or correct it.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. Spring Festival"))

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'+' if self.is_working_day else '-'} {self.name}"


class CalendarYear(models.Model):
    """Marks a year whose official holiday schedule an admin has entered in full as
    overrides, so its days are no longer flagged as a Monday–Friday fallback."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("published calendar year")
        verbose_name_plural = _("published calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class Notification(models.Model):
    """An in-app notification, also delivered by e-mail (reminders, escalations, decisions)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Reminder jobs may run many times; one key per (event, recipient) means one notice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class DemoDataset(models.Model):
    """Which apps' demo data ``seed_demo`` has already loaded, so a second run adds nothing."""

    app_label = models.CharField(max_length=100, unique=True)
    seeded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.app_label


class ApiToken(models.Model):
    """An API token (``Authorization: Token <key>``), one per login, with a lifetime.

    Only the key's SHA-256 digest is stored, so a copy of the database holds no usable
    token; the first characters (``prefix``) let the user tell their tokens apart. A token
    is revoked by deleting it: by its user (the token list), by logging out with it, and
    all of a user's at once when their password changes.
    """

    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user")]

    def __str__(self):
        return f"{self.prefix}…"


class AuditSeal(models.Model):
    """One audit log entry's link in a keyed hash chain (``workplace.audit_chain``).

    Each seal's digest is an HMAC, under a key held outside the database
    (``AUDIT_CHAIN_KEYS``), of the previous seal's digest and the entry's content. Changing,
    removing or inserting an entry (or a seal) after it was sealed breaks every digest from
    there on, and without the key nobody can compute new ones. ``actor_id`` keeps the
    actor's id as sealed: deleting a user empties its entries' actor, which the check reports
    as such rather than as tampering.
    """

    entry = models.OneToOneField(
        "auditlog.LogEntry", verbose_name=_("log entry"), on_delete=models.PROTECT, related_name="seal"
    )
    digest = models.CharField(_("digest"), max_length=64)
    key_id = models.CharField(_("key"), max_length=8)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    # Set by the sealer and bound into the digest (not auto_now_add, which would overwrite it).
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["entry_id"]

    def __str__(self):
        return f"{self.entry_id}: {self.digest[:12]}…"
