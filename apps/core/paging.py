"""Paging of lists: the page a list is asked for, and reading a deep page cheaply."""

from django.db.models import QuerySet


def page_number(request) -> int:
    """The page a list is asked for: ?page=N, anything else (missing, 0, text) the first page."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


class KeysFirstQuerySet(QuerySet):
    """A list's rows whose pages after the first are read in two steps, in one query: the
    page's primary keys (`pk IN (SELECT pk … ORDER BY … LIMIT n OFFSET k)`), then those rows.

    A page deep in a large table (page 400 is OFFSET 9,975) otherwise walks the ordering
    index over every row before it, each with its joined rows, and when the scope is a small
    part of the table (a county of a province: 2 % of 6 million members) the walk is the whole
    province's, not the scope's (issue 21: 192 ms). The keys alone come from an index on the
    scope (an index-only scan and a sort of ids, 30 ms), and only the page's rows are read whole.
    The first page keeps its one plain query (LIMIT n walks a few rows along the order).
    The ordering must be total (end in the primary key), as a paged list's is anyway."""

    def __getitem__(self, k):
        if isinstance(k, slice) and k.start and self._result_cache is None:
            keys = QuerySet.__getitem__(self.values("pk"), k)  # the plain slice: no recursion
            return self.filter(pk__in=keys)  # the same filters and order, no OFFSET
        return super().__getitem__(k)


def keys_first(queryset: QuerySet) -> KeysFirstQuerySet:
    """`queryset` as a KeysFirstQuerySet (same query, filters, order and related rows)."""
    clone = queryset._chain()
    clone.__class__ = KeysFirstQuerySet
    return clone
