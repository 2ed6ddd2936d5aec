"""The merchant's lifecycle after signing: suspend, reactivate, terminate."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import NotPermitted

from .. import permissions
from ..models import (
    Merchant,
    MerchantStatus,
)
from .workflow import _require_reason, merchant_transition

logger = logging.getLogger(__name__)

# --- the merchant's lifecycle ------------------------------------------------------


def _require_lifecycle_permission(by, merchant):
    if not permissions.can_change_merchant_status(by, merchant):
        raise NotPermitted(_("Only the merchant's recruiter or their managers may change its status."))


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, by, reason: str) -> Merchant:
    _require_lifecycle_permission(by, merchant)
    reason = _require_reason(reason)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.SUSPENDED,
        by=by,
        reason=reason,
        fields={"status_reason": reason[:500]},
    )


@transaction.atomic
def merchant_reactivate(*, merchant: Merchant, by, reason: str = "") -> Merchant:
    _require_lifecycle_permission(by, merchant)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.ACTIVE,
        by=by,
        reason=(reason or "").strip(),
        fields={"status_reason": ""},
    )


@transaction.atomic
def merchant_terminate(*, merchant: Merchant, by, reason: str, when: dt.datetime | None = None) -> Merchant:
    """Terminate (退机, churn): counted in the recruiter's churn rate (SPEC.md §5.4)."""
    _require_lifecycle_permission(by, merchant)
    reason = _require_reason(reason)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.TERMINATED,
        by=by,
        reason=reason,
        fields={"terminated_at": when or timezone.now(), "status_reason": reason[:500]},
    )
