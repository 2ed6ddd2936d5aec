"""What the portal and the review pages share: who you are, the record through its
selector (an unseen record is a 404), deadlines and checklists as shown, private files."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from workplace.roles import Role, has_role, roles_of

from .. import permissions, selectors, services
from ..models import (
    Application,
    Contract,
)

REVIEW_PAGE_ROLES = permissions.ASSIGNABLE_ROLES | permissions.REVIEWER_ROLES
PAGE_SIZE = 20
PREVIEWABLE_TYPES = ("image/jpeg", "image/png")


# ------------------------------------------------------------------------ who you are


def merchant_required(view):
    """A merchant's portal account; staff are sent to their own pages."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reviewer_staff_required(view):
    """Staff who review or are assigned applications."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_superuser or roles_of(request.user) & REVIEW_PAGE_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _application_for(request, pk) -> Application:
    """The application, if the user may see it; 404 otherwise (never fetch then check)."""
    try:
        return selectors.application_detail(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _posted(request):
    """The POST data of a POST (even an empty one), None for a GET: an empty POST must
    still be validated and show "this field is required"."""
    return request.POST if request.method == "POST" else None


# ------------------------------------------------------------------------- deadlines


def deadline_of(application, now=None) -> dict | None:
    """The deadline that matters in the application's current status, for display (label,
    due, fallback, overdue), from ``services.deadlines.DEADLINE_TABLE``."""
    return services.application_deadline(application, now)


# --------------------------------------------------------------------------- checklist


# One checklist for the portal, the review page and the API (``selectors``).
document_checklist = selectors.application_document_checklist


def _latest_findings(application) -> list:
    """The findings of the latest check run, from the prefetched ``check_runs``."""
    runs = getattr(application, "prefetched_runs", None)
    if runs is None:
        return selectors.application_findings(application)
    return list(runs[0].findings.all()) if runs else []


def _has_contract(application) -> bool:
    try:
        return application.contract is not None
    except Contract.DoesNotExist:
        return False


def merchants_of_portal_user(user) -> list:
    return list(selectors.merchants_for_user(user).filter(user=user).order_by("name", "id"))


# ------------------------------------------------------------------------------ files


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def private_file_response(field, *, content_type: str, filename: str, as_attachment: bool = False):
    """A private file (its storage name is never shown), for the pages and the API."""
    try:
        handle = field.open("rb")
    except (OSError, ValueError):  # gone from storage, or no file at all
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream", as_attachment=as_attachment, filename=filename
    )
    # Private files: never cached by shared caches, never sniffed into another type.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_file(request, document_pk):
    """A certificate's file, to the merchant and staff who may see its application."""
    document = _get_or_404(selectors.documents_for_user(request.user), document_pk)
    filename = document.original_name or f"document-{document.pk}"
    return private_file_response(
        document.file,
        content_type=document.content_type,
        filename=filename,
        as_attachment=request.GET.get("download") == "1",
    )


@reviewer_staff_required
def visit_media_file(request, media_pk):
    """A site-visit photo or video: staff who may see the application only."""
    media = _get_or_404(selectors.site_visit_media_for_user(request.user), media_pk)
    return private_file_response(
        media.file, content_type=media.content_type, filename=media.original_name or f"visit-{media.pk}"
    )


# ------------------------------------------------------------------------- staff review
