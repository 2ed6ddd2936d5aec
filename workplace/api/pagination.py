from rest_framework.pagination import PageNumberPagination

from ..pagination import KeysFirstPaginator


class StandardPagination(PageNumberPagination):
    """Page numbers (API.md: ``count``, ``next``, ``previous``, ``results``); deep pages
    found by their keys first (workplace.pagination)."""

    django_paginator_class = KeysFirstPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
