"""Reads shared by pages and the API; every one starts from `visible_to`."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from .models import House, HouseResident, Person

DIGITS_RE = re.compile(r"^\d{4}$")
NUMBER_RE = re.compile(r"^[0-9A-Za-z]+(-[0-9A-Za-z]*)+$|^\d+$")
LATIN_RE = re.compile(r"^[A-Za-z]+$")


def house_list(*, user: Any, community_id: int | None = None) -> QuerySet[House]:
    return (
        House.objects.visible_to(user)
        .in_community(community_id)
        .select_related("community", "building", "unit")
    )


def house_search(
    *, user: Any, q: str, community_id: int | None = None, limit: int = 50
) -> QuerySet[House]:
    """Find houses by number (3-2-1201), owner name, pinyin initials (zs) or phone tail."""
    base = house_list(user=user, community_id=community_id)
    q = (q or "").strip()
    if not q:
        return base
    cond = Q()
    people: Q | None = None
    if NUMBER_RE.match(q):
        cond |= Q(number__startswith=q)
    if DIGITS_RE.match(q):
        people = Q(phone_tail=q)
    elif LATIN_RE.match(q):
        people = Q(name_initials__startswith=q.lower()) | Q(
            name_pinyin__startswith=q.lower()
        )
    elif not NUMBER_RE.match(q):
        people = Q(name__startswith=q)
    if people is not None:
        person_ids = Person.objects.filter(people).values("pk")
        house_ids = HouseResident.objects.filter(
            person_id__in=person_ids, active=True
        ).values("house_id")
        cond |= Q(pk__in=house_ids)
    return base.filter(cond)


def house_get(*, user: Any, pk: int) -> House:
    """A house the user may see, with everything its page shows (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        House.objects.visible_to(user).select_related("community", "building", "unit"),
        pk=pk,
    )
