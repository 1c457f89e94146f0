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

    A page deep in a large table (page 400 is OFFSET 9,975) otherwise reads every row before
    it whole, with its joined rows; the keys alone can come from an index, and only the
    page's rows are read whole. The first page keeps its one plain query (LIMIT n walks a
    few rows along the order). The ordering must be total (end in the primary key), as a
    paged list's is anyway.

    `sorted_keys` (set by keys_first) is for a scope that is a small part of the table: from
    that offset on, while the list keeps its own order, the keys are ordered by an expression
    no index provides, so they are gathered from the scope's index and sorted (cost: the
    scope's size) rather than found by walking the whole table's order index past the offset
    (cost: offset × table ÷ scope, which grows with the province: issue 21)."""

    _sorted_keys = None  # (the list's ordering, the keys' ordering, from this offset)

    def _clone(self):
        clone = super()._clone()
        clone._sorted_keys = self._sorted_keys
        return clone

    def __getitem__(self, k):
        if isinstance(k, slice) and k.start and self._result_cache is None:
            keys = self.values("pk")
            if self._sorted_keys and tuple(self.query.order_by) == self._sorted_keys[0] \
                    and k.start >= self._sorted_keys[2]:
                keys = keys.order_by(*self._sorted_keys[1])
            keys = QuerySet.__getitem__(keys, k)  # the plain slice: no recursion
            return self.filter(pk__in=keys)  # the same filters and order, no OFFSET
        return super().__getitem__(k)


def keys_first(queryset: QuerySet, *, sorted_keys: tuple | None = None, sorted_from: int = 0) -> KeysFirstQuerySet:
    """`queryset` as a KeysFirstQuerySet (same query, filters, order and related rows); with
    `sorted_keys` (the same order written so that no index provides it), deep pages from
    offset `sorted_from` sort the scope's keys instead of walking the table's order."""
    clone = queryset._chain()
    clone.__class__ = KeysFirstQuerySet
    if sorted_keys:
        clone._sorted_keys = (tuple(queryset.query.order_by), tuple(sorted_keys), sorted_from)
    return clone
