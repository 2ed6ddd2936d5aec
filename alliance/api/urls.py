from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("activities", views.ActivityViewSet, basename="api-activity")

urlpatterns = [
    path("referrals/", views.ReferralImportView.as_view(), name="api-referrals"),
    path("referrals/statement/", views.ReferralStatementView.as_view(), name="api-referral-statement"),
    # Under the merchants' collection, but the alliance's: resolved after merchants' own
    # routes (config/urls.py includes merchants.api.urls first), which have no points/.
    path("merchants/<int:pk>/points/", views.MerchantPointsView.as_view(), name="api-merchant-points"),
    *router.urls,
]
