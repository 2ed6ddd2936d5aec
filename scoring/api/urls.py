from django.urls import path

from . import views

urlpatterns = [
    path("scoring/calculate/", views.CalculateView.as_view(), name="api-scoring-calculate"),
]
