from django.db.models import Q
from rest_framework import filters, serializers

from workplace.pii import lookup_hash


class SearchFilter(filters.SearchFilter):
    """DRF's search filter, whose refusal of a bad term (a NUL character) names the
    ``search`` parameter like every other error of the API."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.search_param: error.detail}) from None

    def filter_queryset(self, request, queryset, view):
        """Also finds a record by an encrypted field's keyed hash (``hashed_search_fields``
        on the view, e.g. ``["contact_phone_hash"]``): the whole search text, spaces and
        case ignored, equal to the stored value."""
        found = super().filter_queryset(request, queryset, view)
        hashed = getattr(view, "hashed_search_fields", ())
        text = request.query_params.get(self.search_param, "").strip()
        if not hashed or not text or found is queryset:
            return found
        digest = lookup_hash(text)
        exact = Q()
        for field in hashed:
            exact |= Q(**{field: digest})
        return queryset.filter(Q(pk__in=found.values("pk")) | exact)
