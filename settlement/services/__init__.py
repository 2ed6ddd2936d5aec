"""Writes of merchant money, one module per concern: ``deposits`` (保证金),
``card_transactions`` (the card system's daily consumption in), ``statements`` (the
settlement rules as pure functions: T+15, the promotion, grade A, rounding), ``settling``
(the daily job building and closing the statements), ``payouts`` (finance's pay, hold and
release, and the disputes), ``credit`` (the monthly rating) and ``reminders``."""

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
