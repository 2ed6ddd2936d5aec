"""``GET /api/v1/complaints/{id}/forms/{form}.pdf`` (API.md "Complaints"): the four paper
forms as PDF, scoped like the detail (a complaint outside one's scope is a 404); the
merchant's copy leaves out the internal fields."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from workplace.api.renderers import JSONRenderer

from .. import pdf
from ..models import Complaint
from ..selectors import complaint_detail
from ..views.files import pdf_response


class ComplaintFormPdfView(APIView):
    # Errors are JSON whatever the client accepts; the form itself is application/pdf.
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["complaints"],
        operation_id="complaints_form_pdf",
        summary="A paper form of the complaint as PDF (商户投诉调查表, 客户投诉传递单, 商户意见表, 客户满意度调查表)",
        parameters=[
            OpenApiParameter("form", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(pdf.FORMS)),
        ],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk: int, form: str):
        if form not in pdf.FORMS:
            raise Http404
        try:
            complaint = complaint_detail(user=request.user, complaint_id=pk)
        except Complaint.DoesNotExist:
            raise Http404 from None
        return pdf_response(request.user, complaint, form)
