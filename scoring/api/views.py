from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.models import Application
from merchants.selectors import applications_for_user
from merchants.services import application_action_check
from workplace.api.light import represented, validated
from workplace.api.views import IsStaffMember

from ..rules import rate
from ..selectors import rule_set_in_force
from ..services import evaluation_record
from .serializers import CalculatorInputSerializer, CalculatorResultSerializer, EvaluationResultSerializer


class CalculateView(APIView):
    """The star rating of a set of inputs under the rule set in force today (SPEC.md §2).
    Stores nothing."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        request=CalculatorInputSerializer,
        responses={200: CalculatorResultSerializer},
        tags=["calculators"],
        summary=_("Star rating calculator"),
    )
    def post(self, request):
        rules = rule_set_in_force().table
        # One instance of each serializer per thread (workplace.api.light): their fields
        # were a third of the calculator's own work.
        values = validated(CalculatorInputSerializer, request.data, context={"rules": rules})
        return Response(represented(CalculatorResultSerializer, rate(values, rules)))


class ApplicationEvaluationView(APIView):
    """``POST /applications/{id}/evaluation/``: record a star evaluation of the application's
    merchant (the calculator's fields; the application's category by default). Served from
    scoring, which records evaluations; the path is the applications' (API.md)."""

    @extend_schema(
        tags=["review"],
        summary="Record a star evaluation (the calculator's fields)",
        request=CalculatorInputSerializer,
        responses={201: EvaluationResultSerializer},
    )
    def post(self, request, pk):
        try:
            application = applications_for_user(request.user).select_related("merchant").get(pk=pk)
        except Application.DoesNotExist:
            raise Http404 from None
        # The role and the state are refused as such, whatever the body.
        application_action_check(application=application, user=request.user, action="evaluation")
        data = request.data
        if hasattr(data, "dict"):  # a form-encoded body
            data = data.dict()
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Invalid data. Expected a dictionary.")]})
        evaluation = evaluation_record(application=application, by=request.user, data=data)
        return Response(EvaluationResultSerializer(evaluation).data, status=status.HTTP_201_CREATED)
