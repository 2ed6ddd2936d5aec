from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workplace.navigation import NavItem
from workplace.roles import Role

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
    navigation: list = [
        # The merchant portal.
        NavItem(
            label=_("My statements"),
            url_name="settlement:portal_statements",
            roles=frozenset({Role.MERCHANT}),
            order=70,
            description=_("Your settlement statements, day by day, with their lines and PDF."),
        ),
        NavItem(
            label=_("My deposit"),
            url_name="settlement:portal_deposit",
            roles=frozenset({Role.MERCHANT}),
            order=71,
            description=_("Your deposit: what is required, received, deducted and refundable."),
        ),
        NavItem(
            label=_("My credit"),
            url_name="settlement:portal_credit",
            roles=frozenset({Role.MERCHANT}),
            order=72,
            description=_("Your credit grade and the factors that made it."),
        ),
        # The back office.
        NavItem(
            label=_("Statements"),
            url_name="settlement:statements",
            roles=frozenset({Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN, Role.RECRUITER, Role.RECRUITMENT_HEAD}),
            order=45,
            description=_("Settlement statements with their filters and the reconciliation export."),
        ),
        NavItem(
            label=_("Deposits"),
            url_name="settlement:deposits",
            roles=frozenset({Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN, Role.RECRUITER, Role.RECRUITMENT_HEAD}),
            order=47,
            description=_("Merchants' deposits: receipts, deductions, refunds and their history."),
        ),
        NavItem(
            label=_("Card transactions"),
            url_name="settlement:card_import",
            roles=frozenset({Role.FINANCE, Role.ADMIN}),
            order=46,
            description=_("Import the card system's daily consumption from CSV or XLSX."),
        ),
    ]

    def ready(self):
        from merchants import extensions
        from workplace.rules import register_dated_rule

        from . import panels, signals
        from .models import CreditRuleSet, DepositRuleSet, SettlementRuleSet

        register_dated_rule(DepositRuleSet)
        register_dated_rule(CreditRuleSet)
        register_dated_rule(SettlementRuleSet)
        signals.connect()
        # The credit panel on the merchant's staff pages and the rate-request form.
        extensions.merchant_panels.register("credit", panels.credit_panel)
