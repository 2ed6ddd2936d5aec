"""Handing a leaving recruiter's merchants to successors (SPEC.md §5.5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import COMPANY_WIDE_ROLES, Role, has_role, roles_of
from workplace.scoping import department_of

from ..models import Handover, PayrollRun, RunKind, RunStatus
from .ownership import load_stints, owner_on


def handover_record(
    *, merchant: Merchant, successor, effective_on: dt.date, by, reason: str, keeps_maintaining: bool = False
) -> Handover:
    """Hand ``merchant`` from its owner on ``effective_on`` to ``successor``. The merchant's
    recruiter becomes the successor (who now sees and serves it); for pay the leaver keeps
    it in full when ``keeps_maintaining``. A date inside a quarter whose bonus is final is
    refused: that bonus is locked (a correction is an adjustment)."""
    if not (by.has_perm("compensation.add_handover") or has_role(by, Role.ADMIN)):
        raise NotPermitted(_("Only a recruitment head records handovers."))
    if not reason or not reason.strip():
        raise ApplicationError(_("Say why the merchant is handed over."), field="reason")
    if not has_role(successor, Role.RECRUITER):
        raise ApplicationError(_("The successor must be a recruiter."), field="successor")
    if not (by.is_superuser or roles_of(by) & COMPANY_WIDE_ROLES):
        # A head hands over their own department's merchants, to its recruiters.
        department_id = department_of(by)
        if department_id is None or merchant.department_id != department_id:
            raise ApplicationError(_("This merchant is not in your department."), field="merchant")
        if department_of(successor) != department_id:
            raise ApplicationError(_("The successor is not a recruiter of your department."), field="successor")
    locked = PayrollRun.objects.filter(kind=RunKind.QUARTERLY, status=RunStatus.FINAL, ends_on__gte=effective_on)
    if locked.exists():
        raise ApplicationError(
            _("The quarterly bonus up to %(date)s is final; a handover must take effect after it.")
            % {"date": locked.order_by("-ends_on").values_list("ends_on", flat=True).first().isoformat()},
            field="effective_on",
        )
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
        if Handover.objects.filter(merchant=merchant, effective_on__gt=effective_on).exists():
            raise ApplicationError(
                _("This merchant has a later handover; record handovers in date order."), field="effective_on"
            )
        if Handover.objects.filter(merchant=merchant, effective_on=effective_on).exists():
            raise ApplicationError(_("This merchant already has a handover on that day."), field="effective_on")
        leaver_id = owner_on(load_stints([(merchant.pk, merchant.recruiter_id)])[merchant.pk], effective_on)
        if leaver_id is None:
            raise ApplicationError(_("This merchant has no recruiter to hand over from."), field="merchant")
        if leaver_id == successor.pk:
            raise ApplicationError(_("The successor already owns this merchant."), field="successor")
        handover = Handover.objects.create(
            merchant=merchant,
            leaver_id=leaver_id,
            successor=successor,
            effective_on=effective_on,
            keeps_maintaining=keeps_maintaining,
            reason=reason.strip()[:500],
            recorded_by=by,
        )
        Merchant.objects.filter(pk=merchant.pk).update(recruiter=successor)
    return handover
