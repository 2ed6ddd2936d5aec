from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/<slug:figure>/", views.records, name="records"),
]
