from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from ..pagination import KeysFirstPaginator


class StandardPagination(PageNumberPagination):
    """Page numbers (API.md: ``count``, ``next``, ``previous``, ``results``); deep pages
    found by their keys first (workplace.pagination)."""

    django_paginator_class = KeysFirstPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class LazyPagePagination(StandardPagination):
    """StandardPagination whose ``paginate_queryset`` answers the page's rows unevaluated
    (a sliced queryset; a list for a deep page, found by its keys first): for a view that
    may answer them from the cache (workplace.api.light.RememberedRowsMixin)."""

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own, but for its last line (``list(self.page)``, which reads the rows).
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return self.page.object_list
