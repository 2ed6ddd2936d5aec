"""``GET /api/v1/merchants/{id}/credit/`` (API.md "Merchant money"): the merchant's credit
rating in force today — grade, score and the factors that made it, in the reader's
language. Scoped like the merchant (a recruiter their merchants, a head the department's,
company-wide roles all, a merchant only itself); a merchant out of sight is 404. A merchant
not rated yet answers ``grade`` and ``score`` null and no factors."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.selectors import merchants_for_user

from ..credit import latest_rating
from ..models import CreditGrade
from ..services.credit import factor_lines


class CreditFactorSerializer(serializers.Serializer):
    what = serializers.CharField()
    points = serializers.IntegerField()


class CreditSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=CreditGrade.choices, allow_null=True)
    score = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    factors = CreditFactorSerializer(many=True)


def credit_payload(rating) -> dict:
    if rating is None:
        return {"grade": None, "score": None, "factors": []}
    return {"grade": rating.grade, "score": rating.score, "factors": factor_lines(rating)}


class MerchantCreditView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["settlement"],
        summary="A merchant's credit rating in force today, with its factors",
        responses={200: CreditSerializer, 404: None},
        examples=[
            OpenApiExample(
                "Rated",
                value={
                    "grade": "B",
                    "score": 79,
                    "factors": [
                        {"what": "Starting score", "points": 80},
                        {"what": "Valid complaints × 1", "points": -10},
                        {"what": "Satisfied surveys × 2", "points": 4},
                        {"what": "Full deposit held", "points": 5},
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, pk: int):
        merchant = merchants_for_user(request.user).filter(pk=pk).values_list("pk", flat=True).first()
        if merchant is None:
            raise Http404
        rating = latest_rating(merchant, timezone.localdate())
        return Response(CreditSerializer(credit_payload(rating)).data)
