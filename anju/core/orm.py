"""Small ORM helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def prefetched(instance: Any, relation: str, objects: Sequence[Any]) -> None:
    """Record `objects` as the already-fetched rows of `instance.<relation>` (a reverse
    foreign key), as `prefetch_related` would: a caller that has just written them reads
    them back without a query (`instance.<relation>.all()`)."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[relation] = queryset
