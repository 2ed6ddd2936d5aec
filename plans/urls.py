"""The plans app's pages (mounted at /plans/ in config.urls)."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("recommendations/", views.recommendations, name="recommendations"),
]
