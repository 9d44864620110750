"""Reads shared by pages and the API; every one starts from `visible_to`."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from .models import House, HouseResident

DIGITS_RE = re.compile(r"^\d{4}$")
NUMBER_RE = re.compile(r"^[0-9A-Za-z]+(-[0-9A-Za-z]*)+$|^\d+$")
LATIN_RE = re.compile(r"^[A-Za-z]+$")


def house_list(*, user: Any, community_id: int | None = None) -> QuerySet[House]:
    return (
        House.objects.visible_to(user)
        .in_community(community_id)
        .select_related("community", "building", "unit")
    )


PREFIX_END = "\uffff"


def _prefix(field: str, q: str) -> Q:
    """`field` starts with `q`, written so that both backends use a b-tree index.

    SQLite never uses an index for Django's `LIKE … ESCAPE` (LIKE is case-insensitive
    there), so the prefix becomes a range on the column's binary order. PostgreSQL
    uses the `varchar_pattern_ops` index for `LIKE 'q%'` whatever the collation,
    whereas a range would follow the collation (which may ignore the dashes).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": q, f"{field}__lt": q + PREFIX_END})
    return Q(**{f"{field}__startswith": q})


def _search_scope(user: Any, community_id: int | None) -> dict[str, Any] | None:
    """The house filter of `visible_to` as plain ids (None: nothing visible).

    Plain id lists keep the search queries on their index; `visible_to` for a company
    admin joins the community table instead.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_owner_account", False):
        return {"pk__in": list(user.owned_house_ids())}
    if not user.has_role_perm("estates.view"):
        return None
    ids = list(user.community_ids())
    if community_id:
        ids = [community_id] if community_id in ids else []
    return {"community_id__in": ids}


def _people_query(q: str) -> list[Q]:
    """Conditions on the resident's person to try in turn, for a non-number query."""
    if DIGITS_RE.match(q):
        return [Q(person__phone_tail=q)]
    if LATIN_RE.match(q):
        low = q.lower()
        return [
            _prefix("person__name_initials", low),
            _prefix("person__name_pinyin", low),
        ]
    if not NUMBER_RE.match(q):
        return [_prefix("person__name", q)]
    return []


def house_search(
    *, user: Any, q: str, community_id: int | None = None, limit: int = 50
) -> QuerySet[House]:
    """Find houses by number (3-2-1201, prefix 3-2-12), owner name (张三), pinyin
    initials or full pinyin (zs, zhangsan) or phone tail (1234).

    A query returns at most `limit` houses, those the user may see (`visible_to`),
    ordered by community and house number. An empty query lists all visible houses.
    Each kind of match is one indexed query that stops at `limit` rows, so the cost
    does not grow with the number of houses (bench/search_houses.py).
    """
    base = house_list(user=user, community_id=community_id)
    q = (q or "").strip()
    if not q:
        return base
    scope = _search_scope(user, community_id)
    if scope is None:
        return base.none()
    found: dict[int, None] = {}
    if NUMBER_RE.match(q):
        numbers = (
            House.objects.filter(_prefix("number", q), **scope)
            .order_by()
            .values_list("pk", flat=True)[:limit]
        )
        found.update(dict.fromkeys(numbers))
    resident_scope = {f"house__{k}": v for k, v in scope.items()}
    for cond in _people_query(q):
        if len(found) >= limit:
            break
        houses = (
            HouseResident.objects.filter(cond, active=True, **resident_scope)
            .order_by()
            .values_list("house_id", flat=True)[: limit * 2]
        )
        for house_id in houses:
            found[house_id] = None
            if len(found) >= limit:
                break
    return base.filter(pk__in=list(found))


def house_get(*, user: Any, pk: int) -> House:
    """A house the user may see, with everything its page shows (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        House.objects.visible_to(user).select_related("community", "building", "unit"),
        pk=pk,
    )
