from rest_framework import filters, serializers


class SearchFilter(filters.SearchFilter):
    """DRF's search filter, whose refusal of a bad term (a NUL character) names the
    ``search`` parameter like every other error of the API."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.search_param: error.detail}) from None
