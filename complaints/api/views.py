"""The complaints API (API.md "Complaints"): thin adapters — scoped queryset (404 for
what the user may not see), the service's role and state check (403, 409), input (400),
service, output (the complaint's detail after each action)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from merchants.views.common import private_file_response

from .. import selectors, services
from ..models import Complaint, ComplaintStatus, ComplaintType
from . import serializers as s

BINARY_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY)


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    type = django_filters.ChoiceFilter(choices=ComplaintType.choices)
    merchant = django_filters.NumberFilter(field_name="merchant_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="overdue")

    class Meta:
        model = Complaint
        fields = ["status", "type", "merchant", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        condition = selectors.overdue_condition(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


def _action_schema(summary, request):
    return extend_schema(tags=["complaints"], summary=summary, request=request, responses={200: s.ComplaintSerializer})


@extend_schema_view(
    list=extend_schema(tags=["complaints"], summary="Complaints the caller may see, overdue first"),
    retrieve=extend_schema(tags=["complaints"], summary="One complaint with its visits, history and penalties"),
    create=extend_schema(
        tags=["complaints"],
        summary="Customer service logs a complaint; a merchant files its own",
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintSerializer},
    ),
)
class ComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Merchant complaints (SPEC.md §4): the seven steps and the three dispute levels."""

    filterset_class = ComplaintFilter
    search_fields = ["number", "description", "merchant__name"]
    ordering_fields = ["received_at", "number", "status"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.complaint_list(user=self.request.user)
        return selectors.complaints_for_user(self.request.user).select_related("merchant", "responsible_department")

    def get_serializer_class(self):
        if self.action == "list":
            return s.ComplaintListSerializer
        return s.ComplaintSerializer

    def _context(self, complaint):
        context = self.get_serializer_context()
        context["merchant_view"] = selectors.is_merchant_view(self.request.user, complaint)
        context["merchant_user_id"] = complaint.merchant.user_id
        return context

    def _detail(self, complaint, status_code=status.HTTP_200_OK):
        try:
            fresh = selectors.complaint_detail(user=self.request.user, complaint_id=complaint.pk)
        except Complaint.DoesNotExist:
            raise Http404 from None
        return Response(s.ComplaintSerializer(fresh, context=self._context(fresh)).data, status=status_code)

    @staticmethod
    def _valid(serializer_class, data):
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _prepare(self, action_name, serializer_class=None):
        complaint = self.get_object()
        services.complaint_action_check(complaint=complaint, user=self.request.user, action=action_name)
        data = self._valid(serializer_class, self.request.data) if serializer_class else {}
        return complaint, data

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        services.complaint_receive_check(user=request.user)
        data = self._valid(s.ComplaintCreateSerializer, request.data)
        complaint = services.complaint_receive(
            user=request.user,
            merchant=data.get("merchant"),
            type=data["type"],
            description=data["description"],
            received_at=data.get("received_at"),
        )
        return self._detail(complaint, status.HTTP_201_CREATED)

    @_action_schema("Step 2: the investigation form (customer service)", s.InvestigateSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        complaint, data = self._prepare("investigate", s.InvestigateSerializer)
        services.complaint_investigate(
            complaint=complaint,
            by=request.user,
            valid=data["valid"],
            findings=data["findings"],
            responsible_department=data.get("responsible_department"),
            responsible_person=data.get("responsible_person"),
        )
        return self._detail(complaint)

    @_action_schema("Step 3: the responsible head's solution", s.SolutionInputSerializer)
    @action(detail=True, methods=["post"])
    def solution(self, request, pk=None):
        complaint, data = self._prepare("solution", s.SolutionInputSerializer)
        services.complaint_propose_solution(complaint=complaint, by=request.user, solution=data["solution"])
        return self._detail(complaint)

    @_action_schema("Step 4: the merchant's opinion (customer service or the merchant)", s.OpinionInputSerializer)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        complaint, data = self._prepare("opinion", s.OpinionInputSerializer)
        services.complaint_record_opinion(
            complaint=complaint, by=request.user, accepted=data["accepted"], opinion=data.get("opinion", "")
        )
        return self._detail(complaint)

    @_action_schema("Step 5: the solution carried out (the responsible head)", s.ImplementedInputSerializer)
    @action(detail=True, methods=["post"])
    def implemented(self, request, pk=None):
        complaint, data = self._prepare("implemented", s.ImplementedInputSerializer)
        services.complaint_mark_implemented(complaint=complaint, by=request.user, notes=data.get("notes", ""))
        return self._detail(complaint)

    @_action_schema("Step 6: a follow-up visit with its survey (customer service)", s.VisitInputSerializer)
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        complaint, data = self._prepare("visits", s.VisitInputSerializer)
        services.complaint_record_visit(
            complaint=complaint,
            by=request.user,
            visited_on=data["visited_on"],
            satisfaction=data["satisfaction"],
            notes=data.get("notes", ""),
        )
        return self._detail(complaint)

    @_action_schema("Step 7: close (customer service; required visits done, last satisfied)", s.CloseInputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        complaint, data = self._prepare("close", s.CloseInputSerializer)
        services.complaint_close(complaint=complaint, by=request.user, note=data.get("note", ""))
        return self._detail(complaint)

    @_action_schema(
        "Escalate a rejected solution one dispute level (merchant or customer service)", s.EscalateInputSerializer
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        complaint, data = self._prepare("escalate", s.EscalateInputSerializer)
        services.complaint_escalate(complaint=complaint, by=request.user, reason=data["reason"])
        return self._detail(complaint)

    @_action_schema(
        "Level 2: the arbitration panel's decision (at least two managers), published to the merchant",
        s.ArbitrationDecisionInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="arbitration/decision")
    def arbitration_decision(self, request, pk=None):
        complaint, data = self._prepare("arbitration_decision", s.ArbitrationDecisionInputSerializer)
        services.arbitration_decide(
            complaint=complaint, by=request.user, panel=data["panel"], decision=data["decision"]
        )
        return self._detail(complaint)

    @_action_schema(
        "Level 3: the external arbitration's body, case number and outcome", s.ExternalArbitrationInputSerializer
    )
    @action(detail=True, methods=["post"], url_path="arbitration/external")
    def arbitration_external(self, request, pk=None):
        complaint, data = self._prepare("arbitration_external", s.ExternalArbitrationInputSerializer)
        services.external_arbitration_record(
            complaint=complaint,
            by=request.user,
            body=data["body"],
            case_number=data["case_number"],
            outcome=data["outcome"],
        )
        return self._detail(complaint)

    @extend_schema(
        tags=["complaints"],
        summary="Attach a file (multipart: file, evidence) — PDF, JPEG or PNG up to 10 MB",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def attachments(self, request, pk=None):
        complaint, data = self._prepare("attachments", s.AttachmentUploadSerializer)
        attachment = services.attachment_add(
            complaint=complaint, by=request.user, file=data["file"], evidence=data.get("evidence", False)
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["complaints"], summary="An attachment's file", responses={200: BINARY_RESPONSE})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment_file(self, request, pk=None, attachment_id=None):
        complaint = self.get_object()
        attachment = selectors.attachments_for_user(request.user).filter(complaint=complaint, pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return private_file_response(
            attachment.file,
            content_type=attachment.content_type,
            filename=attachment.original_name or f"attachment-{attachment.pk}",
        )
