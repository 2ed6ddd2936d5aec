from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.api.views import IsStaffMember

from ..rules import rate
from ..selectors import rule_set_in_force
from .serializers import CalculatorInputSerializer, CalculatorResultSerializer


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
        serializer = CalculatorInputSerializer(data=request.data, context={"rules": rules})
        serializer.is_valid(raise_exception=True)
        rating = rate(serializer.validated_data, rules)
        return Response(CalculatorResultSerializer(rating).data)
