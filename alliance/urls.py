from django.urls import path

from . import views

app_name = "alliance"
urlpatterns = [
    path("activities/", views.portal_activities, name="portal_activities"),
]
