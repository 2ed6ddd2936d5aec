from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("activities", views.ActivityViewSet, basename="api-activity")

urlpatterns = [
    path("referrals/", views.ReferralImportView.as_view(), name="api-referrals"),
    path("referrals/statement/", views.ReferralStatementView.as_view(), name="api-referral-statement"),
    *router.urls,
]
