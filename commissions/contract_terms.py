"""What commissions supplies to merchants' onboarding (``merchants.extensions``): the
agreed rates the contract prints and the portal's rates page. Registered from
``CommissionsConfig.ready()``; merchants never imports commissions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from merchants import extensions

from .selectors import merchant_rates


def _decimal_text(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def contract_rates(merchant, moment) -> dict:
    """The contract's rate lines: rates as strings with 2 decimals (None: no standard for
    the category), references of the approvals that granted them ("" for the standard)."""
    rates = merchant_rates(merchant) or {}
    return {
        "prepaid_rate": _decimal_text(rates.get("prepaid_rate")),
        "bank_card_fee": _decimal_text(rates.get("bank_card_fee")),
        "prepaid_reference": str(rates.get("prepaid_reference") or ""),
        "bank_card_reference": str(rates.get("bank_card_reference") or ""),
    }


def register() -> None:
    extensions.contract_terms.register("rates", contract_rates)
    extensions.merchant_rates.register("rates", merchant_rates)
