from django.urls import path
from rest_framework.routers import SimpleRouter

from . import credit, settlements, views

router = SimpleRouter(trailing_slash=True)
router.register("deposits", views.DepositViewSet, basename="api-deposit")
router.register("settlements", settlements.SettlementViewSet, basename="api-settlement")
router.register("settlement-disputes", settlements.SettlementDisputeViewSet, basename="api-settlement-dispute")

urlpatterns = [
    path("card-transactions/", views.CardTransactionImportView.as_view(), name="api-card-transactions"),
    # Under the merchants' collection, but settlement's: resolved after merchants' own
    # routes (config/urls.py includes merchants.api.urls first), which have no credit/.
    path("merchants/<int:pk>/credit/", credit.MerchantCreditView.as_view(), name="api-merchant-credit"),
    # API.md spells the PDF without a trailing slash.
    path(
        "settlements/<int:pk>/statement.pdf",
        settlements.StatementPdfView.as_view(),
        name="api-settlement-statement-pdf",
    ),
    *router.urls,
]
