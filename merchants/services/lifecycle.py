"""The merchant's lifecycle after signing: suspend, reactivate, terminate."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import InvalidTransition, NotPermitted

from .. import permissions
from ..models import (
    MERCHANT_TRANSITIONS,
    Merchant,
    MerchantStatus,
    MerchantStatusChange,
)
from .workflow import _require_reason

logger = logging.getLogger(__name__)

# --- the merchant's lifecycle ------------------------------------------------------


@transaction.atomic
def merchant_transition(*, merchant: Merchant, to_status: str, by=None, reason: str = "", fields=None) -> Merchant:
    """Move a merchant along ``MERCHANT_TRANSITIONS`` (conditional update) and record it."""
    from_status = merchant.status
    if to_status not in MERCHANT_TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            _("A merchant that is “%(from)s” cannot become “%(to)s”.")
            % {"from": MerchantStatus(from_status).label, "to": MerchantStatus(to_status).label},
            extra={"status": from_status},
        )
    now = timezone.now()
    fields = dict(fields or {})
    moved = Merchant.objects.filter(pk=merchant.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if not moved:
        raise InvalidTransition(_("The merchant was changed by someone else; reload and try again."))
    merchant.status = to_status
    for name, value in fields.items():
        setattr(merchant, name, value)
    MerchantStatusChange.objects.create(
        merchant=merchant,
        from_status=from_status,
        to_status=to_status,
        reason=reason or "",
        changed_by=by if getattr(by, "pk", None) else None,
        changed_at=now,
    )
    return merchant


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
