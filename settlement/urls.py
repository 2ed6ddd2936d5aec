"""The settlement app's pages (mounted at /settlement/ in config.urls): the merchant
portal's statements, deposit and credit; the back office's statements with the
reconciliation export, and the import of card transactions."""

from django.urls import path

from .views import back_office, card_import, deposits, payouts, portal

app_name = "settlement"
urlpatterns = [
    # The merchant portal.
    path("statements/", portal.statements, name="portal_statements"),
    path("deposit/", portal.deposit, name="portal_deposit"),
    path("credit/", portal.credit_page, name="portal_credit"),
    # A statement: its merchant in the portal, staff who see it in the back office.
    path("statements/<int:pk>/", portal.statement_detail, name="statement"),
    path("statements/<int:pk>/statement.pdf", portal.statement_pdf_download, name="statement_pdf"),
    # Finance's moves of a statement.
    path("statements/<int:pk>/pay/", payouts.statement_move, {"move": "pay"}, name="statement_pay"),
    path("statements/<int:pk>/hold/", payouts.statement_move, {"move": "hold"}, name="statement_hold"),
    path("statements/<int:pk>/release/", payouts.statement_move, {"move": "release"}, name="statement_release"),
    # The back office.
    path("back-office/statements/", back_office.statements, name="statements"),
    path("back-office/statements/reconciliation.xlsx", back_office.reconciliation_xlsx, name="reconciliation"),
    path("back-office/deposits/", deposits.deposit_list, name="deposits"),
    path("back-office/deposits/<int:pk>/", deposits.deposit_detail, name="deposit"),
    *(
        path(f"back-office/deposits/<int:pk>/{move}/", deposits.deposit_move, {"move": move}, name=f"deposit_{move}")
        for move in ("receive", "refund", "deduct", "decide")
    ),
    path("back-office/card-transactions/import/", card_import.card_transactions_upload, name="card_import"),
]
