"""Input and output shapes of the merchants API (API.md). No rules here: inputs are
parsed and typed, the services decide."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Application,
    Category,
    Contract,
    Document,
    DocumentKind,
    EntityType,
    Merchant,
    MerchantClass,
    Segment,
    SiteVisit,
    SiteVisitMedia,
    Terminal,
)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class MerchantSerializer(serializers.ModelSerializer):
    recruiter_name = serializers.SerializerMethodField()
    # null until the merchant signs (the model keeps "" there).
    signed_class = serializers.SerializerMethodField()
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)

    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "entity_type",
            "category",
            "segment",
            "status",
            "uscc",
            "district",
            "address",
            "contact_phone",
            "recruiter",
            "recruiter_name",
            "department",
            "department_name",
            "signed_at",
            "signed_class",
            "terminated_at",
            "status_reason",
            "created_at",
        ]
        read_only_fields = fields

    # What its fields read, as ``only()`` paths (the list loads nothing else).
    columns = (
        *(name for name in Meta.fields if name not in ("recruiter_name", "department_name")),
        "recruiter__first_name",
        "recruiter__last_name",
        "recruiter__username",
        "department__name",
    )

    @extend_schema_field(serializers.ChoiceField(choices=MerchantClass.choices, allow_null=True))
    def get_signed_class(self, merchant) -> str | None:
        return merchant.signed_class or None

    def get_recruiter_name(self, merchant) -> str | None:
        if merchant.recruiter is None:
            return None
        return merchant.recruiter.get_full_name() or merchant.recruiter.get_username()


class ApplicationInputSerializer(serializers.Serializer):
    """The company profile a merchant fills (create: company_name and category required)."""

    company_name = serializers.CharField(label=_("company name"), max_length=200)
    entity_type = serializers.ChoiceField(
        label=_("entity type"), choices=EntityType.choices, default=EntityType.ENTERPRISE
    )
    category = serializers.ChoiceField(label=_("category"), choices=Category.choices)
    segment = serializers.ChoiceField(label=_("segment"), choices=Segment.choices, default=Segment.BASIC)
    uscc = serializers.CharField(label=_("unified social credit code"), max_length=18, required=False, allow_blank=True)
    legal_rep_name = serializers.CharField(
        label=_("legal representative"), max_length=100, required=False, allow_blank=True
    )
    legal_rep_id_number = serializers.CharField(
        label=_("legal representative's ID number"), max_length=18, required=False, allow_blank=True
    )
    address = serializers.CharField(label=_("address"), max_length=300, required=False, allow_blank=True)
    district = serializers.CharField(label=_("district"), max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(label=_("contact phone"), max_length=30, required=False, allow_blank=True)


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    blocking = serializers.BooleanField()


class DocumentSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "number",
            "valid_until",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "file_url",
        ]
        read_only_fields = fields

    def get_file_url(self, document) -> str:
        return reverse(
            "merchants-api:application-document-file",
            kwargs={"pk": document.application_id, "document_id": document.pk},
        )


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    file = serializers.FileField(label=_("file"), allow_empty_file=False)
    number = serializers.CharField(label=_("certificate number"), max_length=50, required=False, allow_blank=True)
    valid_until = serializers.DateField(label=_("valid until"), required=False, allow_null=True)


class SiteVisitMediaSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = SiteVisitMedia
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "file_url"]
        read_only_fields = fields

    def get_file_url(self, item) -> str:
        return reverse(
            "merchants-api:application-visit-media-file",
            kwargs={"pk": item.visit.application_id, "media_id": item.pk},
        )


class SiteVisitSerializer(serializers.ModelSerializer):
    visitor = UserSummarySerializer(read_only=True)
    media = SiteVisitMediaSerializer(many=True, read_only=True)

    class Meta:
        model = SiteVisit
        fields = ["id", "visited_on", "notes", "visitor", "media", "created_at"]
        read_only_fields = fields


class SiteVisitInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField(label=pgettext_lazy("site visit", "visited on"))
    notes = serializers.CharField(label=pgettext_lazy("site visit", "notes"))
    media = serializers.ListField(
        label=_("photos and videos"), child=serializers.FileField(allow_empty_file=False), required=False, default=list
    )


class ContractSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "number",
            "terms",
            "rendered_at",
            "rendered_sha256",
            "signed_at",
            "signer_name",
            "signer_ip",
            "signed_sha256",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, contract) -> str:
        return reverse("merchants-api:application-contract-pdf", kwargs={"pk": contract.application_id})


class RunningDeadlineFields(serializers.Serializer):
    """The deadline that runs in the application's status (``services.deadlines.DEADLINE_TABLE``)
    and its fallback flag, beside the stored ``check_due``/``review_due``/``resubmit_due``."""

    deadline = serializers.SerializerMethodField()
    deadline_fallback = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_deadline(self, application):
        from ..services import application_deadline

        running = application_deadline(application)
        return serializers.DateTimeField().to_representation(running["due"]) if running else None

    def get_deadline_fallback(self, application) -> bool:
        from ..services import application_deadline

        running = application_deadline(application)
        return bool(running and running["fallback"])


class ApplicationListSerializer(RunningDeadlineFields, serializers.ModelSerializer):
    assignee = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "merchant",
            "status",
            "company_name",
            "entity_type",
            "category",
            "segment",
            "district",
            "assignee",
            "submitted_at",
            "check_due",
            "check_due_fallback",
            "review_due",
            "review_due_fallback",
            "resubmit_due",
            "deadline",
            "deadline_fallback",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(RunningDeadlineFields, serializers.ModelSerializer):
    """An application with its findings, documents, visits, contract and what the
    requesting user may do next. Built from ``selectors.application_detail``."""

    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    findings = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    missing_documents = serializers.SerializerMethodField()
    site_visits = SiteVisitSerializer(many=True, read_only=True)
    contract = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "merchant",
            "status",
            "company_name",
            "entity_type",
            "category",
            "segment",
            "uscc",
            "legal_rep_name",
            "legal_rep_id_number",
            "address",
            "district",
            "contact_phone",
            "assignee",
            "submitted_at",
            "check_due",
            "check_due_fallback",
            "review_due",
            "review_due_fallback",
            "resubmit_due",
            "deadline",
            "deadline_fallback",
            "decided_at",
            "decision_reason",
            "findings",
            "documents",
            "missing_documents",
            "site_visits",
            "contract",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, application):
        from ..selectors import application_findings

        return [
            {"code": finding.code, "message": finding.message, "blocking": finding.blocking}
            for finding in application_findings(application)
        ]

    def get_missing_documents(self, application) -> list[str]:
        from ..selectors import application_missing_documents

        return application_missing_documents(application)

    @extend_schema_field(ContractSerializer(allow_null=True))
    def get_contract(self, application):
        contract = Contract.objects.filter(application=application).first()
        return ContractSerializer(contract).data if contract else None

    def get_allowed_actions(self, application) -> list[str]:
        from ..services import application_allowed_actions

        request = self.context.get("request")
        if request is None:
            return []
        return application_allowed_actions(application=application, user=request.user)


class AssignSerializer(serializers.Serializer):
    recruiter = serializers.PrimaryKeyRelatedField(
        label=_("recruiter"), queryset=get_user_model().objects.filter(is_active=True)
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=2000, required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(label=_("signer name"), max_length=100)
    consent = serializers.BooleanField(label=_("consent"))

    def validate_consent(self, value):
        if value is not True:
            raise serializers.ValidationError(_("You must agree to the contract to sign it."))
        return value


class TerminalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Terminal
        fields = ["id", "merchant", "serial", "installed_on", "removed_on", "pays_service_fee", "created_at"]
        read_only_fields = ["id", "removed_on", "created_at"]


class TerminalRemoveSerializer(serializers.Serializer):
    removed_on = serializers.DateField(label=_("removed on"))
