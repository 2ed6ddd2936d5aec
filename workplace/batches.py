"""Bulk imports of rows (terminal profits, card transactions, referrals): the checks of
the batch itself, the errors of its rows, and the field parsers they share.

One bad row rejects the batch: ``RowsInvalid`` carries every row at fault
(``[{"index", "errors": {field: [message]}}]``) and nothing is saved. A parser raises
``RowError`` with a message in the user's language; the caller files it under its field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .exceptions import ApplicationError

_CENT = Decimal("0.01")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$", re.ASCII)


class RowsInvalid(ApplicationError):
    """One or more rows of a batch are wrong; ``rows`` says which and why. Nothing saved."""

    default_code = "invalid_rows"

    def __init__(self, rows: list[dict]):
        count = len(rows)
        message = ngettext(
            "%(count)d row is invalid; nothing was saved.", "%(count)d rows are invalid; nothing was saved.", count
        ) % {"count": count}
        super().__init__(message, extra={"rows": rows})
        self.rows = rows


class BatchInvalid(ApplicationError):
    """The batch as a whole is wrong (not a list, empty, too large). Nothing saved."""


class RowError(Exception):
    """A field of a row is wrong (the message is in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_batch(rows, *, max_rows: int, shape: str) -> None:
    """The batch itself: a non-empty list of at most ``max_rows`` rows. ``shape`` shows a
    row's fields in the message, e.g. ``[{"terminal_serial", "month", "profit"}, ...]``."""
    if not isinstance(rows, list):
        raise BatchInvalid(_("Send a JSON list of rows: %(shape)s.") % {"shape": shape}, code="not_a_list")
    if not rows:
        raise BatchInvalid(_("The list is empty: send at least one row."), code="empty")
    if len(rows) > max_rows:
        raise BatchInvalid(
            _("A batch holds at most %(max)d rows; this one has %(count)d. Send it in parts.")
            % {"max": max_rows, "count": len(rows)},
            code="too_many_rows",
            extra={"max_rows": max_rows},
        )


def required(value):
    """``value`` unless it is missing (``None``)."""
    if value is None:
        raise RowError(_("This field is required."))
    return value


def parse_amount(value, *, negative: str, not_a_number: str, whole_digits: int = 10) -> Decimal:
    """Yuan: a number (text such as ``"12.34"``, or a JSON number), not negative (the
    ``negative`` message), at most 2 decimals (``"12.340"`` is 12.34) and at most
    ``whole_digits`` digits before the point; anything else gets ``not_a_number``."""
    required(value)
    wrong = RowError(not_a_number)
    if isinstance(value, str):
        if not _NUMBER.match(value.strip()):
            raise wrong
        amount = Decimal(value.strip())
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise wrong from None
        if not amount.is_finite():
            raise wrong
    else:
        raise wrong
    if amount < 0:
        raise RowError(negative)
    if amount.adjusted() >= whole_digits:
        raise RowError(_("Enter at most %(digits)d digits before the decimal point.") % {"digits": whole_digits})
    if amount != amount.quantize(_CENT):
        raise RowError(_("Enter at most 2 decimal places."))
    return amount.quantize(_CENT) + 0  # + 0: "-0" is 0.00


__all__ = ["BatchInvalid", "RowError", "RowsInvalid", "check_batch", "parse_amount", "required"]
