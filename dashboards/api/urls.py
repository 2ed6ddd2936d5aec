from django.urls import path

from . import views

urlpatterns = [
    path("dashboards/summary/", views.DashboardSummaryView.as_view(), name="api-dashboard-summary"),
    path("dashboards/leaderboard/", views.DashboardLeaderboardView.as_view(), name="api-dashboard-leaderboard"),
]
