"""The merchants API (API.md): thin adapters — scoped queryset (404 for what the user may
not see), the service's role and state check (403, 409), input (400), service, output."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from workplace.api.light import ReusedListSerializerMixin
from workplace.api.views import IsStaffMember
from workplace.network import client_ip

from .. import selectors, services
from ..checks import ALLOWED_DOCUMENT_TYPES
from ..models import (
    Application,
    ApplicationStatus,
    Category,
    Contract,
    Merchant,
    MerchantStatus,
    Segment,
)
from ..views.common import private_file_response
from . import serializers as s

# Files are served with the type detected from their content at upload.
BINARY_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY)


class MerchantFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=MerchantStatus.choices)
    segment = django_filters.ChoiceFilter(choices=Segment.choices)
    recruiter = django_filters.NumberFilter(field_name="recruiter_id")
    district = django_filters.CharFilter()

    class Meta:
        model = Merchant
        fields = ["category", "status", "segment", "recruiter", "district"]


@extend_schema_view(
    list=extend_schema(tags=["merchants"], summary="Merchants the caller may see"),
    retrieve=extend_schema(tags=["merchants"], summary="One merchant"),
)
class MerchantViewSet(ReusedListSerializerMixin, viewsets.ReadOnlyModelViewSet):
    """Merchants, scoped by role: own (recruiter), department (heads), all (directors,
    general manager, admin, customer service), itself (merchant)."""

    serializer_class = s.MerchantSerializer
    filterset_class = MerchantFilter
    search_fields = ["name", "uscc", "address"]
    # The phone is encrypted: found by its keyed hash, the whole number (workplace.pii).
    hashed_search_fields = ["contact_phone_hash"]
    ordering_fields = ["name", "created_at", "signed_at", "status", "district"]

    def get_queryset(self):
        return selectors.merchant_list(user=self.request.user, columns=s.MerchantSerializer.columns)


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    district = django_filters.CharFilter()
    assignee = django_filters.NumberFilter(field_name="assignee_id")

    class Meta:
        model = Application
        fields = ["status", "category", "district", "assignee"]


@extend_schema_view(
    list=extend_schema(tags=["applications"], summary="Applications the caller may see"),
    retrieve=extend_schema(tags=["applications"], summary="One application with its findings"),
    create=extend_schema(
        tags=["applications"],
        summary="A merchant starts its application",
        request=s.ApplicationInputSerializer,
        responses={201: s.ApplicationSerializer},
    ),
    update=extend_schema(
        tags=["applications"],
        summary="The merchant edits its application (draft or needs changes)",
        request=s.ApplicationInputSerializer,
        responses={200: s.ApplicationSerializer},
    ),
    partial_update=extend_schema(
        tags=["applications"],
        summary="The merchant edits some fields (draft or needs changes)",
        request=s.ApplicationInputSerializer,
        responses={200: s.ApplicationSerializer},
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Onboarding applications (SPEC.md §1)."""

    filterset_class = ApplicationFilter
    search_fields = ["company_name", "uscc", "address"]
    ordering_fields = ["created_at", "submitted_at", "review_due", "check_due", "status"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.application_list(user=self.request.user)
        return (
            selectors.applications_for_user(self.request.user)
            .select_related("merchant", "merchant__recruiter", "merchant__department", "assignee")
            .prefetch_related("documents", "site_visits__media", "site_visits__visitor")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.ApplicationListSerializer
        return s.ApplicationSerializer

    def _detail(self, application, status_code=status.HTTP_200_OK):
        fresh = selectors.application_detail(user=self.request.user, application_id=application.pk)
        return Response(s.ApplicationSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _check(self, application, action_name):
        services.application_action_check(application=application, user=self.request.user, action=action_name)

    @staticmethod
    def _valid(serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def create(self, request, *args, **kwargs):
        # Who may apply and whether one is already in progress are the service's rules;
        # asked before the body is validated, so a wrong role or state reads as such.
        services.application_create_check(user=request.user)
        data = self._valid(s.ApplicationInputSerializer, request.data)
        application = services.application_create(user=request.user, data=data)
        return self._detail(application, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        application = self.get_object()
        self._check(application, "edit")
        data = self._valid(s.ApplicationInputSerializer, request.data, partial=partial)
        services.application_update(application=application, user=request.user, data=data)
        return self._detail(application)

    @extend_schema(
        tags=["applications"],
        summary="Upload a certificate (multipart: kind, file, number, valid_until)",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def documents(self, request, pk=None):
        application = self.get_object()
        self._check(application, "upload")
        data = self._valid(s.DocumentUploadSerializer, request.data)
        document = services.document_add(
            application=application,
            user=request.user,
            kind=data["kind"],
            file=data["file"],
            number=data.get("number", ""),
            valid_until=data.get("valid_until"),
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["applications"],
        summary="Remove a certificate (draft or needs changes)",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"documents/(?P<document_id>\d+)")
    def document_delete(self, request, pk=None, document_id=None):
        application = self.get_object()
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404
        services.document_delete(document=document, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=["applications"],
        summary="Download a certificate (permission-checked)",
        responses={(200, media_type): BINARY_RESPONSE for media_type in ALLOWED_DOCUMENT_TYPES},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)/file", url_name="document-file")
    def document_file(self, request, pk=None, document_id=None):
        application = self.get_object()
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404
        return private_file_response(
            document.file,
            content_type=document.content_type,
            filename=document.original_name or f"document-{document.pk}",
        )

    @extend_schema(
        tags=["applications"],
        summary="Download a site-visit photo or video (staff)",
        responses={(200, media_type): BINARY_RESPONSE for media_type in services.ALLOWED_MEDIA_TYPES},
    )
    @action(
        detail=True, methods=["get"], url_path=r"site-visit-media/(?P<media_id>\d+)/file", url_name="visit-media-file"
    )
    def visit_media_file(self, request, pk=None, media_id=None):
        application = self.get_object()
        media = selectors.site_visit_media_for_user(request.user)
        item = media.filter(pk=media_id, visit__application=application).first()
        if item is None:
            raise Http404
        return private_file_response(
            item.file, content_type=item.content_type, filename=item.original_name or f"media-{item.pk}"
        )

    @extend_schema(
        tags=["applications"],
        summary="Submit (or resubmit) for the system check",
        description=(
            "Refused with 400 `blocking_findings` while the pre-check (the system check's rules knowable "
            "before submitting) has blocking findings: each field at fault names its messages, and "
            "`findings` lists them (`field`, `code`, `message`, `blocking`). Nothing is submitted."
        ),
        request=None,
        responses={
            200: s.ApplicationSerializer,
            400: OpenApiResponse(description="Blocking findings; nothing submitted."),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        services.application_submit(application=application, user=request.user)
        return self._detail(application)

    @extend_schema(
        tags=["applications"],
        summary="The merchant withdraws its application",
        request=s.OptionalReasonSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        self._check(application, "withdraw")
        data = self._valid(s.OptionalReasonSerializer, request.data)
        services.application_withdraw(application=application, user=request.user, reason=data.get("reason", ""))
        return self._detail(application)

    @extend_schema(
        tags=["review"],
        summary="Assign a recruiter (recruitment head or above)",
        request=s.AssignSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        application = self.get_object()
        self._check(application, "assign")
        data = self._valid(s.AssignSerializer, request.data)
        services.application_assign(application=application, by=request.user, assignee=data["recruiter"])
        return self._detail(application)

    @extend_schema(
        tags=["review"],
        summary="Record a site visit (multipart for photos/videos in `media`)",
        request={"multipart/form-data": s.SiteVisitInputSerializer, "application/json": s.SiteVisitInputSerializer},
        responses={201: s.SiteVisitSerializer},
    )
    @action(detail=True, methods=["post"], url_path="site-visit")
    def site_visit(self, request, pk=None):
        application = self.get_object()
        self._check(application, "site_visit")
        data = self._valid(s.SiteVisitInputSerializer, request.data)
        visit = services.site_visit_record(
            application=application,
            by=request.user,
            visited_on=data["visited_on"],
            notes=data["notes"],
            media=data.get("media") or [],
        )
        return Response(s.SiteVisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["review"],
        summary="Approve: the contract is rendered and sent",
        request=s.OptionalReasonSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        self._check(application, "approve")
        data = self._valid(s.OptionalReasonSerializer, request.data)
        services.application_approve(application=application, by=request.user, reason=data.get("reason", ""))
        return self._detail(application)

    @extend_schema(
        tags=["review"],
        summary="Send back to the merchant (reason required)",
        request=s.ReasonSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        application = self.get_object()
        self._check(application, "request_changes")
        data = self._valid(s.ReasonSerializer, request.data)
        services.application_request_changes(application=application, by=request.user, reason=data["reason"])
        return self._detail(application)

    @extend_schema(
        tags=["review"],
        summary="Reject (reason required)",
        request=s.ReasonSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        self._check(application, "reject")
        data = self._valid(s.ReasonSerializer, request.data)
        services.application_reject(application=application, by=request.user, reason=data["reason"])
        return self._detail(application)

    @extend_schema(
        tags=["applications"],
        summary="The merchant signs its contract",
        request=s.SignSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        application = self.get_object()
        self._check(application, "sign")
        data = self._valid(s.SignSerializer, request.data)
        services.contract_sign(
            application=application,
            user=request.user,
            signer_name=data["signer_name"],
            consent=data["consent"],
            ip_address=client_ip(request),
        )
        return self._detail(application)

    @extend_schema(
        tags=["applications"],
        summary="The contract PDF (the signed one once signed)",
        responses={(200, "application/pdf"): BINARY_RESPONSE},
    )
    # Routed in urls.py: API.md spells the path without a trailing slash.
    def contract_pdf(self, request, pk=None):
        application = self.get_object()
        contract = Contract.objects.filter(application=application).first()
        if contract is None:
            raise Http404
        field_file = contract.signed_pdf if contract.signed_pdf else contract.rendered_pdf
        suffix = "-signed" if contract.signed_pdf else ""
        return private_file_response(
            field_file, content_type="application/pdf", filename=f"{contract.number}{suffix}.pdf"
        )


class TerminalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """POS terminals of the merchants the staff member may see."""

    serializer_class = s.TerminalSerializer
    permission_classes = [IsStaffMember]
    filterset_fields = ["merchant"]
    search_fields = ["serial", "merchant__name"]

    def get_queryset(self):
        return selectors.terminals_for_user(self.request.user)

    @extend_schema(tags=["terminals"], request=s.TerminalSerializer, responses={201: s.TerminalSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merchant = (
            selectors.merchants_for_user(request.user).filter(pk=serializer.validated_data["merchant"].pk).first()
        )
        if merchant is None:
            raise ValidationError({"merchant": [_("No such merchant.")]})
        terminal = services.terminal_create(
            merchant=merchant,
            by=request.user,
            serial=serializer.validated_data["serial"],
            installed_on=serializer.validated_data["installed_on"],
            pays_service_fee=serializer.validated_data.get("pays_service_fee", True),
        )
        return Response(s.TerminalSerializer(terminal).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["terminals"], request=s.TerminalRemoveSerializer, responses={200: s.TerminalSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        terminal = self.get_object()
        serializer = s.TerminalRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.terminal_remove(terminal=terminal, by=request.user, removed_on=serializer.validated_data["removed_on"])
        return Response(s.TerminalSerializer(terminal).data)
