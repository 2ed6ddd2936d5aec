"""The complaint's choices, its seven steps as data (status → next statuses, step of each
status), the storage names of its files and the SPEC.md §4 defaults."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from workplace import file_inspection


class ComplaintType(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_SOLUTION = "awaiting_solution", _("Awaiting solution")
    AWAITING_OPINION = "awaiting_opinion", _("Awaiting the merchant's opinion")
    IMPLEMENTING = "implementing", _("Implementing")
    FOLLOW_UP = "follow_up", _("Follow-up visits")
    CLOSED = "closed", _("Closed")
    CLOSED_INVALID = "closed_invalid", _("Closed as invalid")


class Satisfaction(models.TextChoices):
    """The five answers of the satisfaction survey (客户满意度调查表)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    VERY_UNSATISFIED = "very_unsatisfied", _("Very unsatisfied")


# Satisfied or better closes the complaint (step 7) and counts as a good review (§5.1).
SATISFIED_ANSWERS = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED})


class DisputeLevel(models.IntegerChoices):
    CUSTOMER_SERVICE = 1, _("Customer service mediation")
    PLATFORM_PANEL = 2, _("Platform arbitration panel")
    EXTERNAL = 3, _("External arbitration")


S = ComplaintStatus
# The seven steps (SPEC.md §4) as data: status → statuses it may move to.
COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.AWAITING_SOLUTION, S.CLOSED_INVALID}),
    S.INVESTIGATING: frozenset({S.AWAITING_SOLUTION, S.CLOSED_INVALID}),
    S.AWAITING_SOLUTION: frozenset({S.AWAITING_OPINION, S.IMPLEMENTING}),  # implementing: level-3 outcome
    S.AWAITING_OPINION: frozenset({S.IMPLEMENTING, S.AWAITING_SOLUTION}),
    S.IMPLEMENTING: frozenset({S.FOLLOW_UP}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.INVESTIGATING}),
    S.CLOSED: frozenset(),
    S.CLOSED_INVALID: frozenset(),
}
# Step (1–7) shown for each status; both closed statuses are step 7 (archived).
STEP_OF_STATUS: dict[str, int] = {
    S.RECEIVED: 1,
    S.INVESTIGATING: 2,
    S.AWAITING_SOLUTION: 3,
    S.AWAITING_OPINION: 4,
    S.IMPLEMENTING: 5,
    S.FOLLOW_UP: 6,
    S.CLOSED: 7,
    S.CLOSED_INVALID: 7,
}
CLOSED_STATUSES = frozenset({S.CLOSED, S.CLOSED_INVALID})
OPEN_STATUSES = frozenset(ComplaintStatus.values) - CLOSED_STATUSES
del S


def attachment_upload_to(instance, filename):
    """A generated storage name with the extension of the type detected in the bytes: the
    uploader's file name never reaches the disk."""
    suffix = file_inspection.extension_for(getattr(instance, "content_type", ""))
    return f"private/complaints/attachments/{uuid.uuid4().hex}{suffix}"


# SPEC.md §4 defaults; the data migration seeds the first rule set with them.
DEFAULT_REPLY_WORKING_DAYS = 3
DEFAULT_SOLUTION_WORKING_DAYS = 3
DEFAULT_FOLLOW_UP_WORKING_DAYS = 3
DEFAULT_PANEL_WORKING_DAYS = 7
