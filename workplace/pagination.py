"""Pagination for HTML pages and the API: a page of rows plus the links to its
neighbours, keeping the other query parameters (filters, the other list's page) as they
are; past the first pages, a page's rows are found by their keys first.

``OFFSET 52000 LIMIT 20`` makes PostgreSQL build, then skip, 52 000 rows with every join
the list selects (the recruiter, the department, the account): 100 ms on the merchant
list at 100 000 merchants. :class:`KeysFirstPaginator` asks for the 20 keys of the page
in a subquery of the table alone — walked in the list's index order, no join — and joins
only those rows (the "deferred join"). Same rows, same order, same number of queries;
below ``KEYS_FIRST_FROM`` skipped rows (and for a query this cannot rewrite: distinct,
grouped, a union, not ordered) it is Django's paginator.

The count every page needs is remembered until a table it reads is written
(workplace.counts)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import counts

KEYS_FIRST_FROM = 1000  # rows skipped before a page is found by its keys first


def _rewritable(object_list) -> bool:
    if not isinstance(object_list, QuerySet):
        return False
    query = object_list.query
    return (
        object_list.ordered
        and not query.distinct
        and query.group_by is None
        and query.combinator is None
        and not query.is_sliced
    )


class KeysFirstPaginator(Paginator):
    """Django's paginator; deep pages through their keys first, the count from
    workplace.counts (see the module)."""

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            return counts.count_of(self.object_list)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < KEYS_FIRST_FROM or not _rewritable(self.object_list):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return Page(list(self.object_list.filter(pk__in=keys)), number, self)


def paginate(request, queryset, *, per_page: int = 25, param: str = "page"):
    page = KeysFirstPaginator(queryset, per_page).get_page(request.GET.get(param))

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else None
    page.next_url = link(page.next_page_number()) if page.has_next() else None
    return page
