from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token-own")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("calendar/due-date/", views.DueDateView.as_view(), name="api-due-date"),
    *router.urls,
]
