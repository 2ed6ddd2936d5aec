from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("deposits", views.DepositViewSet, basename="api-deposit")

urlpatterns = [
    path("card-transactions/", views.CardTransactionImportView.as_view(), name="api-card-transactions"),
    *router.urls,
]
