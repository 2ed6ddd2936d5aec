from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = [
    "settlement.view_depositruleset",
    "settlement.view_deposit",
    "settlement.view_depositentry",
    "settlement.view_cardtransaction",
]


class SettlementConfig(AppConfig):
    """Merchant money (SPEC.md §8): deposits, prepaid-card transactions, settlement."""

    name = "settlement"
    verbose_name = _("Merchant money")
    # Finance records receipts, refunds and card transactions; the general manager
    # approves deductions; admins keep the rule sets (new versions only).
    role_permissions = {
        "admin": ["settlement.*"],
        "finance": [*_READ, "settlement.change_deposit", "settlement.add_cardtransaction"],
        "general_manager": [*_READ, "settlement.change_deposit"],
    }
    navigation: list = []

    def ready(self):
        from workplace.rules import register_dated_rule

        from . import signals
        from .models import CreditRuleSet, DepositRuleSet, SettlementRuleSet

        register_dated_rule(DepositRuleSet)
        register_dated_rule(CreditRuleSet)
        register_dated_rule(SettlementRuleSet)
        signals.connect()
