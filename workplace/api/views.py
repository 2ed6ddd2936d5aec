from django.contrib.auth import authenticate, logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from workplace import calendar
from workplace.models import ApiToken, Notification
from workplace.notifications import mark_read
from workplace.roles import is_staff_member

from .light import represented, validated
from .serializers import (
    ApiTokenSerializer,
    DueDateQuerySerializer,
    DueDateSerializer,
    NotificationSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from .throttling import fail_open_cache
from .tokens import issue_token


class LoginThrottle(AnonRateThrottle):
    scope = "login"
    cache = fail_open_cache  # a cache outage lets logins through (axes still locks out)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token.

    Goes through ``authenticate()`` with the request, so django-axes counts failures and
    locks out a username + IP after repeated ones.
    """

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed login attempts. Try again later."), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            # 400 like DRF's own obtain_auth_token: the credentials are the bad input.
            return Response(
                {
                    "non_field_errors": [_("Unable to log in with the provided username and password.")],
                    "code": "invalid_credentials",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        key, token = issue_token(user)
        return Response({"token": key, "expires_at": token.expires_at})


class LogoutView(APIView):
    """Revoke the token the call is made with (a session is logged out instead)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            ApiToken.objects.filter(pk=request.auth.pk).delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own API tokens, newest first; deleting one revokes it. Another
    user's token is not found (404), whoever asks."""

    serializer_class = ApiTokenSerializer
    pagination_class = None
    filterset_fields = []
    search_fields = []
    ordering_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-id")


class IsStaffMember(permissions.BasePermission):
    message = _("Only staff members may use this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))


class DueDateView(APIView):
    """The due date of "within N working days of start" (SPEC.md §7)."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=[DueDateQuerySerializer], responses={200: DueDateSerializer}, tags=["calculators"])
    def get(self, request):
        query = validated(DueDateQuerySerializer, request.query_params)  # one instance per thread (.light)
        try:
            due = calendar.add_working_days(query["start"], query["working_days"])
        except calendar.DateOutOfRange:
            raise serializers.ValidationError({"start": [_("Date out of range")]}) from None
        return Response(represented(DueDateSerializer, {"due": due.date, "fallback": due.fallback}))


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_fields = []
    search_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(
        request=None, responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})}
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        return Response({"marked": mark_read(request.user)})
