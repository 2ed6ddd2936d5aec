from django.urls import path

from . import views

app_name = "commissions"
urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/preview/", views.request_preview, name="request_preview"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/decide/", views.decide, name="decide"),
]
