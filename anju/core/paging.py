"""Pagination that never counts more than it must.

An exact COUNT(*) over a community's whole ticket history reads every row of it (100,000
and more), on every page view, only to print "共 N 张". `CappedPaginator` counts at most
`cap` rows (a `LIMIT` subquery without ordering); beyond it the page says "1000+" and
offers the pages up to the cap — narrow the filters (a date range) to reach older rows.
Counting stops at the cap, so its cost is bounded by the cap over the filter's
selectivity, not by the size of the history.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 1_000


def capped_count(qs: Any, cap: int) -> tuple[int, bool]:
    """(count, capped): the exact count up to `cap`, else (cap, True)."""
    n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


class CappedPaginator(Paginator):
    cap = DEFAULT_CAP

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if hasattr(self.object_list, "order_by"):
            return capped_count(self.object_list, self.cap)
        return len(self.object_list), False

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._capped[0]

    @property
    def capped(self) -> bool:
        return self._capped[1]


class PartitionedPaginator(CappedPaginator):
    """Newest-first pages of a list that spans several communities.

    A database walks one community's rows in date order through an index, but for
    `community IN (a, b, c) ORDER BY created_at DESC` it sorts every matching row of
    all of them to show fifty. This paginator asks each community for its newest
    `page × per_page` keys (an index range each), merges them here, and reads the page's
    rows by primary key. Ordering is `(-created_at, -id)`; `partitions` are the
    community ids the queryset is already limited to (the filter stays in the query).
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        partitions: list[int],
        field: str = "community_id",
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.partitions = list(partitions)
        self.field = field

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        keys: list[tuple[Any, int]] = []
        ordered = self.object_list.order_by("-created_at", "-pk")
        for value in self.partitions:
            keys += ordered.filter(**{self.field: value}).values_list(
                "created_at", "pk"
            )[:top]
        keys.sort(reverse=True)
        pks = [pk for _created, pk in keys[bottom:top]]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=pks)}
        return self._get_page([rows[pk] for pk in pks if pk in rows], number, self)


def paginator_for(
    qs: Any, per_page: int, *, community_ids: list[int], partition: bool
) -> CappedPaginator:
    """A partitioned paginator when the list spans several communities and is ordered
    newest first; the plain capped one otherwise."""
    if partition and len(community_ids) > 1:
        return PartitionedPaginator(qs, per_page, partitions=community_ids)
    return CappedPaginator(qs, per_page)
