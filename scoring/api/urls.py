from django.urls import path

from . import views

urlpatterns = [
    path("scoring/calculate/", views.CalculateView.as_view(), name="api-scoring-calculate"),
    # An action on an application (API.md), served by scoring, which records evaluations.
    path("applications/<int:pk>/evaluation/", views.ApplicationEvaluationView.as_view(), name="application-evaluation"),
]
