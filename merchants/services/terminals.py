"""POS terminals of a merchant: installation and removal, each with its history row
(who, when, why) whatever the surface (API, admin)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

from .. import permissions
from ..models import (
    Merchant,
    Terminal,
    TerminalStatus,
    TerminalStatusChange,
)

logger = logging.getLogger(__name__)

# --- POS terminals -----------------------------------------------------------------


def _duplicate_serial() -> ApplicationError:
    return ApplicationError(_("A terminal with this serial number exists."), field="serial", code="unique")


def terminal_create_check(*, merchant: Merchant, by, serial: str, installed_on: dt.date | None) -> str:
    """Whether ``by`` may add this terminal: raises ``NotPermitted`` or an
    ``ApplicationError`` naming the field; returns the serial as it will be stored.
    Forms call it to show the refusal next to the field before ``terminal_create``."""
    if not permissions.can_change_merchant_status(by, merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may add terminals."))
    serial = (serial or "").strip()
    if not serial:
        raise ApplicationError(_("Please enter the serial number."), field="serial", code="required")
    if Terminal.objects.filter(serial=serial).exists():
        raise _duplicate_serial()
    if installed_on is None:
        raise ApplicationError(_("Please enter the installation date."), field="installed_on", code="required")
    return serial


def _history(terminal: Terminal, *, from_status: str, to_status: str, by, reason: str, now) -> None:
    TerminalStatusChange.objects.create(
        terminal=terminal,
        from_status=from_status,
        to_status=to_status,
        changed_by=by if getattr(by, "pk", None) else None,
        changed_at=now,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def terminal_create(
    *, merchant: Merchant, by, serial: str, installed_on: dt.date, pays_service_fee: bool = True, reason: str = ""
) -> Terminal:
    serial = terminal_create_check(merchant=merchant, by=by, serial=serial, installed_on=installed_on)
    try:
        with transaction.atomic():
            terminal = Terminal.objects.create(
                merchant=merchant, serial=serial, installed_on=installed_on, pays_service_fee=pays_service_fee
            )
    except IntegrityError:
        # Added by someone else since the check.
        raise _duplicate_serial() from None
    _history(terminal, from_status="", to_status=TerminalStatus.INSTALLED, by=by, reason=reason, now=timezone.now())
    return terminal


def terminal_remove_check(*, terminal: Terminal, by, removed_on: dt.date | None) -> None:
    """Whether ``by`` may remove ``terminal`` on ``removed_on`` (raises as the service does)."""
    if not permissions.can_change_merchant_status(by, terminal.merchant):
        raise NotPermitted(_("Only staff in charge of the merchant may remove terminals."))
    if terminal.removed_on is not None:
        raise InvalidTransition(
            _("This terminal was removed on %(date)s.") % {"date": f"{terminal.removed_on:%Y-%m-%d}"},
            code="terminal_removed",
        )
    if removed_on is None or removed_on < terminal.installed_on:
        raise ApplicationError(
            _("The removal date cannot be before the installation date."), field="removed_on", code="invalid"
        )


@transaction.atomic
def terminal_remove(*, terminal: Terminal, by, removed_on: dt.date, reason: str = "") -> Terminal:
    """The terminal is taken out (退机) on ``removed_on``; once, recorded in its history."""
    terminal.removed_on = Terminal.objects.select_for_update().values_list("removed_on", flat=True).get(pk=terminal.pk)
    terminal_remove_check(terminal=terminal, by=by, removed_on=removed_on)
    terminal.removed_on = removed_on
    terminal.save(update_fields=["removed_on"])
    _history(
        terminal,
        from_status=TerminalStatus.INSTALLED,
        to_status=TerminalStatus.REMOVED,
        by=by,
        reason=reason,
        now=timezone.now(),
    )
    return terminal
