"""Filters for the master-data pages (django-filter), shared with the API later."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import Occupancy, ParkingKind, Usage
from .models import Building, House, ParkingSpace, Person, Vehicle

LATIN_RE = re.compile(r"^[A-Za-z]+$")


def _buildings(request: Any) -> QuerySet[Building]:
    if request is None:
        return Building.objects.none()
    return (
        Building.objects.visible_to(request.user)
        .in_community(getattr(request, "community_id", None))
        .select_related("community")
    )


class HouseFilter(django_filters.FilterSet):
    """Narrow the house list by building, usage and occupancy."""

    building = django_filters.ModelChoiceFilter(
        queryset=_buildings, label=_("楼栋"), empty_label=_("全部楼栋")
    )
    usage = django_filters.ChoiceFilter(
        choices=Usage.choices, label=_("用途"), empty_label=_("全部用途")
    )
    occupancy = django_filters.ChoiceFilter(
        choices=Occupancy.choices, label=_("状态"), empty_label=_("全部状态")
    )

    class Meta:
        model = House
        fields = ["building", "usage", "occupancy"]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.form.fields["building"].label_from_instance = lambda b: (
            f"{b.community.name} · {b}"
        )


def person_search(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Name prefix, pinyin initials/full pinyin (zs, zhangsan), phone tail or full phone."""
    q = (q or "").strip()
    if not q:
        return qs
    if q.isdigit():
        if len(q) == 4:
            return qs.filter(phone_tail=q)
        return qs.filter(phone__startswith=q)
    if LATIN_RE.match(q):
        low = q.lower()
        return qs.filter(
            Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
        )
    return qs.filter(name__startswith=q)


def vehicle_search(qs: QuerySet[Vehicle], q: str) -> QuerySet[Vehicle]:
    """Plate (any part, upper-cased) or house number prefix."""
    q = (q or "").strip().upper()
    if not q:
        return qs
    return qs.filter(Q(plate__contains=q) | Q(house__number__startswith=q))


class ParkingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ParkingKind.choices, label=_("类型"), empty_label=_("全部类型")
    )

    class Meta:
        model = ParkingSpace
        fields = ["kind"]
