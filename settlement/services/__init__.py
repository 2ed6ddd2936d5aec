"""Writes of merchant money, one module per concern: ``deposits`` (保证金) and
``card_transactions`` (the card system's daily consumption in)."""

from .card_transactions import (
    MAX_ROWS,
    CardBatchInvalid,
    CardRowsInvalid,
    ImportResult,
    card_transactions_import,
    plan_card_rows,
)
from .deposits import (
    deduction_decide,
    deposit_deduct,
    deposit_open,
    deposit_receive,
    deposit_refund,
    deposit_required,
    deposit_status,
    deposit_terminate,
    parse_amount,
    parse_day,
    parse_reason,
    refund_due_date,
)

__all__ = [
    "MAX_ROWS",
    "CardBatchInvalid",
    "CardRowsInvalid",
    "ImportResult",
    "card_transactions_import",
    "deduction_decide",
    "deposit_deduct",
    "deposit_open",
    "deposit_receive",
    "deposit_refund",
    "deposit_required",
    "deposit_status",
    "deposit_terminate",
    "parse_amount",
    "parse_day",
    "parse_reason",
    "plan_card_rows",
    "refund_due_date",
]
