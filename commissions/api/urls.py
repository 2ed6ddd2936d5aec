from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("rate-requests", views.RateRequestViewSet, basename="rate-request")
router.register("merchant-rates", views.MerchantRateViewSet, basename="merchant-rate")

urlpatterns = [
    path("commissions/quote/", views.QuoteView.as_view(), name="api-commission-quote"),
    path("approvals/pending/", views.PendingApprovalsView.as_view(), name="api-approvals-pending"),
    path("my-rates/", views.MyRatesView.as_view(), name="api-my-rates"),
    *router.urls,
]
