"""FilterSets of the master-data API.

They narrow querysets that already went through `visible_to`; filters never widen
scope. Text search reuses the page helpers (`house_search`, `person_search`) so the
API and the pages find the same rows.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from ..choices import Occupancy, ParkingKind, Relation, Usage
from ..filters import person_search, vehicle_search
from ..models import Building, House, HouseResident, ParkingSpace, Person, Unit, Vehicle
from ..selectors import house_search


class CommunityScopedFilterSet(filters.FilterSet):
    """Adds `community` (an id), applied through the model's own scope path."""

    community = filters.NumberFilter(method="filter_community", label="小区ID")

    def filter_community(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.in_community(int(value)) if value else queryset


class BuildingFilter(CommunityScopedFilterSet):
    class Meta:
        model = Building
        fields = ["community", "number"]


class UnitFilter(CommunityScopedFilterSet):
    class Meta:
        model = Unit
        fields = ["community", "building"]


class HouseFilter(CommunityScopedFilterSet):
    q = filters.CharFilter(
        method="filter_q", label="房号、业主姓名、拼音首字母或手机尾号"
    )
    usage = filters.ChoiceFilter(choices=Usage.choices)
    occupancy = filters.ChoiceFilter(choices=Occupancy.choices)

    class Meta:
        model = House
        fields = ["community", "building", "unit", "usage", "occupancy", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(self.request, "user", None)
        return queryset & house_search(user=user, q=value)


class PersonFilter(CommunityScopedFilterSet):
    q = filters.CharFilter(
        method="filter_q", label="姓名、拼音首字母、手机尾号或手机号开头"
    )
    house = filters.NumberFilter(method="filter_house", label="房屋ID")

    class Meta:
        model = Person
        fields = ["community", "house", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return person_search(queryset, value)

    def filter_house(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        person_ids = HouseResident.objects.filter(house_id=value, active=True).values(
            "person_id"
        )
        return queryset.filter(pk__in=person_ids)


class ResidentFilter(CommunityScopedFilterSet):
    relation = filters.ChoiceFilter(choices=Relation.choices)

    class Meta:
        model = HouseResident
        fields = ["community", "house", "person", "relation", "active"]


class VehicleFilter(CommunityScopedFilterSet):
    q = filters.CharFilter(method="filter_q", label="车牌（任意部分）或房号开头")

    class Meta:
        model = Vehicle
        fields = ["community", "house", "person", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return vehicle_search(queryset, value)


class ParkingSpaceFilter(CommunityScopedFilterSet):
    kind = filters.ChoiceFilter(choices=ParkingKind.choices)

    class Meta:
        model = ParkingSpace
        fields = ["community", "kind", "house"]
