from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "merchants-api"

router = SimpleRouter(trailing_slash=True)
router.register("merchants", views.MerchantViewSet, basename="merchant")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("terminals", views.TerminalViewSet, basename="terminal")

urlpatterns = [
    # API.md spells the contract without a trailing slash.
    path(
        "applications/<int:pk>/contract.pdf",
        views.ApplicationViewSet.as_view({"get": "contract_pdf"}, detail=True),
        name="application-contract-pdf",
    ),
    *router.urls,
]
