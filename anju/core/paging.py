"""Pagination that never counts more than it must.

An exact COUNT(*) over a community's whole ticket history reads every row of it (100,000
and more), on every page view, only to print "共 N 张". `CappedPaginator` counts at most
`cap` rows (a `LIMIT` subquery without ordering); beyond it the page says "10000+" and
offers the pages up to the cap — narrow the filters to reach older rows.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


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
