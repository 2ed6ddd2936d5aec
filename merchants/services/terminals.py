"""POS terminals of a merchant."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, NotPermitted

from .. import permissions
from ..models import (
    Merchant,
    Terminal,
)

logger = logging.getLogger(__name__)

# --- POS terminals -----------------------------------------------------------------


@transaction.atomic
def terminal_create(
    *, merchant: Merchant, by, serial: str, installed_on: dt.date, pays_service_fee: bool = True
) -> Terminal:
    if not permissions.can_change_merchant_status(by, merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may add terminals."))
    serial = (serial or "").strip()
    if not serial:
        raise ApplicationError(_("Please enter the serial number."), field="serial", code="required")
    if Terminal.objects.filter(serial=serial).exists():
        raise ApplicationError(_("A terminal with this serial number exists."), field="serial", code="unique")
    if installed_on is None:
        raise ApplicationError(_("Please enter the installation date."), field="installed_on", code="required")
    return Terminal.objects.create(
        merchant=merchant, serial=serial, installed_on=installed_on, pays_service_fee=pays_service_fee
    )


@transaction.atomic
def terminal_remove(*, terminal: Terminal, by, removed_on: dt.date) -> Terminal:
    if not permissions.can_change_merchant_status(by, terminal.merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may remove terminals."))
    if removed_on is None or removed_on < terminal.installed_on:
        raise ApplicationError(
            _("The removal date cannot be before the installation date."), field="removed_on", code="invalid"
        )
    terminal.removed_on = removed_on
    terminal.save(update_fields=["removed_on"])
    return terminal
