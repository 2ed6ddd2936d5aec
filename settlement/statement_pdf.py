"""A settlement statement as PDF (结算单, SPEC.md §8): the merchant, the period, every line
with its day, kind, amount, rate and commission, and the totals, in the reader's language
(Chinese by default). The API (``GET /api/v1/settlements/{id}/statement.pdf``) and the
portal's statement page both serve ``statement_pdf``."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from workplace.pdf import render_pdf

from .models import HoldReason, Statement, StatementStatus
from .selectors import statement_lines

TEMPLATE = "settlement/pdf/statement.html"
HUNDRED = Decimal("100")


def exact_text(value: Decimal | None, *, places: int = 2) -> str:
    """A decimal with at least ``places`` decimals and no trailing zeros beyond them, so an
    exact rate reads as it is kept: ``10.0000000000`` → ``10.00``, ``3.1112500000`` → ``3.11125``."""
    if value is None:
        return "—"
    text = f"{value:f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(places, "0")
    return f"{whole}.{fraction}"


def line_commission(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    """A line's share of the commission, unrounded (the statement rounds once, on the total)."""
    return None if rate is None else amount * rate / HUNDRED


def statement_context(statement: Statement) -> dict:
    lines = [
        {
            "day": line.day,
            "kind": line.get_kind_display(),
            "amount": line.amount,
            "rate": exact_text(line.rate),
            "commission": exact_text(line_commission(line.amount, line.rate)),
        }
        for line in statement_lines(statement)
    ]
    return {
        "statement": statement,
        "merchant": statement.merchant,
        "lines": lines,
        "rate": exact_text(statement.rate),
        "status": StatementStatus(statement.status).label,
        "held_for": HoldReason(statement.held_for).label if statement.held_for else "",
        "printed_at": timezone.localtime(),
    }


def statement_pdf(statement: Statement, *, language: str | None = None) -> bytes:
    """The statement as PDF bytes (its merchant read from ``statement.merchant``)."""
    return render_pdf(TEMPLATE, statement_context(statement), language=language)
