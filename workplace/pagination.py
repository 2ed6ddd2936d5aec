"""Pagination for HTML pages: a page of rows plus the links to its neighbours, keeping
the other query parameters (filters, the other list's page) as they are."""

from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page: int = 25, param: str = "page"):
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else None
    page.next_url = link(page.next_page_number()) if page.has_next() else None
    return page
