from django.urls import path

from . import downloads, views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/<slug:figure>/", views.records, name="records"),
    path("export.xlsx", downloads.export_xlsx, name="export_xlsx"),
    path("report.pdf", downloads.report_pdf, name="report_pdf"),
]
