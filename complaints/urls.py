from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("answer/", views.head_queue, name="head_queue"),
    path("all/", views.complaint_list, name="list"),
    path("new/", views.intake, name="new"),
    path("service-level/", views.service_level, name="service_level"),
    # The merchant's side, in the portal's menu.
    path("mine/", views.mine, name="mine"),
    path("mine/new/", views.file_complaint, name="file"),
    # One complaint: the page, its steps, its files and its paper forms.
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/forms/<slug:form>.pdf", views.form_pdf, name="form_pdf"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_file, name="attachment"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
