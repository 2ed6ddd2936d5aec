from django.urls import path

from . import views

app_name = "alliance"
urlpatterns = [
    # The merchant portal.
    path("activities/", views.portal_activities, name="portal_activities"),
    path("activities/<int:pk>/accept/", views.portal_answer, {"answer": "accept"}, name="portal_accept"),
    path("activities/<int:pk>/decline/", views.portal_answer, {"answer": "decline"}, name="portal_decline"),
    path("referrals/", views.portal_referrals, name="portal_referrals"),
    # A merchant's credit points and their redemption (the portal and staff).
    path("merchants/<int:pk>/points/", views.merchant_points, name="merchant_points"),
]
