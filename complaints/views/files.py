"""A complaint's files: its attachments (private, through the permission check) and the
four paper forms as PDFs, the answer shared by the page and the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from merchants.views.common import private_file_response

from .. import pdf, selectors
from .common import _complaint_for


@login_required
def attachment_file(request, pk, attachment_pk):
    attachment = selectors.attachments_for_user(request.user).filter(complaint_id=pk, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name or f"attachment-{attachment.pk}",
        as_attachment=request.GET.get("download") == "1",
    )


@login_required
def form_pdf(request, pk, form):
    """One of the four paper forms as PDF; the merchant gets its own copy."""
    if form not in pdf.FORMS:
        raise Http404
    complaint = _complaint_for(request, pk)
    return pdf_response(request.user, complaint, form)


def pdf_response(user, complaint, form) -> HttpResponse:
    """The PDF answer shared by the page and the API."""
    content = pdf.complaint_form_pdf(complaint, form, merchant_copy=selectors.is_merchant_view(user, complaint))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.form_filename(complaint, form)}"'
    response["Cache-Control"] = "private, no-store"
    return response
