from django.urls import path, re_path

from . import views

app_name = "alliance"
urlpatterns = [
    # The merchant portal.
    path("activities/", views.portal_activities, name="portal_activities"),
    path("activities/<int:pk>/accept/", views.portal_answer, {"answer": "accept"}, name="portal_accept"),
    path("activities/<int:pk>/decline/", views.portal_answer, {"answer": "decline"}, name="portal_decline"),
    path("activities/<int:pk>/priority/", views.portal_priority, name="portal_priority"),
    path("referrals/", views.portal_referrals, name="portal_referrals"),
    path("statement/", views.portal_statement, name="portal_statement"),
    re_path(r"^statement/(?P<month>\d{4}-\d{2})\.pdf$", views.portal_statement_pdf, name="portal_statement_pdf"),
    # A merchant's credit points and their redemption (the portal and staff).
    path("merchants/<int:pk>/points/", views.merchant_points, name="merchant_points"),
    # A merchant's monthly referral statement, for the staff who see it.
    path("merchants/<int:pk>/statement/", views.merchant_statement, name="merchant_statement"),
    re_path(
        r"^merchants/(?P<pk>\d+)/statement/(?P<month>\d{4}-\d{2})\.pdf$",
        views.merchant_statement_pdf,
        name="merchant_statement_pdf",
    ),
]
