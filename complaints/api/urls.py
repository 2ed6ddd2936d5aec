from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .forms_pdf import ComplaintFormPdfView

app_name = "complaints-api"

router = SimpleRouter(trailing_slash=True)
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = [
    *router.urls,
    # API.md spells the path without a trailing slash.
    path("complaints/<int:pk>/forms/<slug:form>.pdf", ComplaintFormPdfView.as_view(), name="complaint-form-pdf"),
]
