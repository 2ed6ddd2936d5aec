from django.urls import path

from .views import complaint, files, filing, lists, portal

app_name = "complaints"
urlpatterns = [
    path("", lists.index, name="index"),
    path("queue/", lists.queue, name="queue"),
    path("answer/", lists.head_queue, name="head_queue"),
    path("all/", lists.complaint_list, name="list"),
    path("new/", filing.intake, name="new"),
    path("service-level/", lists.service_level, name="service_level"),
    # The merchant's side, in the portal's menu.
    path("mine/", portal.mine, name="mine"),
    path("mine/new/", portal.file_complaint, name="file"),
    # One complaint: the page, its steps, its files and its paper forms.
    path("<int:pk>/", complaint.detail, name="detail"),
    path("<int:pk>/forms/<slug:form>.pdf", files.form_pdf, name="form_pdf"),
    path("<int:pk>/files/<int:attachment_pk>/", files.attachment_file, name="attachment"),
    path("<int:pk>/<slug:action>/", complaint.act, name="act"),
]
