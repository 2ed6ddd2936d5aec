from django.urls import path
from rest_framework.routers import SimpleRouter

from . import credit, views

router = SimpleRouter(trailing_slash=True)
router.register("deposits", views.DepositViewSet, basename="api-deposit")

urlpatterns = [
    path("card-transactions/", views.CardTransactionImportView.as_view(), name="api-card-transactions"),
    # Under the merchants' collection, but settlement's: resolved after merchants' own
    # routes (config/urls.py includes merchants.api.urls first), which have no credit/.
    path("merchants/<int:pk>/credit/", credit.MerchantCreditView.as_view(), name="api-merchant-credit"),
    *router.urls,
]
