from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workplace.models import ApiToken, Notification


class TokenRequestSerializer(serializers.Serializer):
    # No username is longer (the user model's limit); a longer one is refused before the
    # lockout records the attempt in a column it would overflow.
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(label=_("password"), style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the user's own tokens: never its key (it is not stored), only its first
    characters, when it was issued and when it expires."""

    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class DueDateQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label=_("start"))
    working_days = serializers.IntegerField(label=_("working days"), min_value=0, max_value=365)


class DueDateSerializer(serializers.Serializer):
    due = serializers.DateField()
    fallback = serializers.BooleanField()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
