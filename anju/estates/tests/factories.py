"""Factories for master data; every test builds what it needs from these."""

from __future__ import annotations

from decimal import Decimal

import factory

from anju.estates.choices import Occupancy, Relation, Usage
from anju.estates.models import (
    Building,
    Community,
    Company,
    House,
    HouseResident,
    Person,
    Unit,
)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("code",)

    name = "安居物业"
    code = "anju"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"绿水苑{n}期")
    code = factory.Sequence(lambda n: f"c{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 18


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    number = factory.Sequence(lambda n: str(n % 4 + 1))


class HouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = House

    unit = factory.SubFactory(UnitFactory)
    building = factory.SelfAttribute("unit.building")
    community = factory.SelfAttribute("unit.community")
    room = factory.Sequence(lambda n: f"{n % 30 + 1}{n % 4 + 1:02d}")
    floor = 12
    building_area = Decimal("120.00")
    inner_area = Decimal("98.50")
    usage = Usage.RESIDENTIAL
    occupancy = Occupancy.OCCUPIED


def _mobile(n: int) -> str:
    return f"138{n:08d}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    company = factory.SubFactory(CompanyFactory)
    name = factory.Iterator(["张三", "李四", "王五", "赵六", "陈静", "刘洋"])
    phone = factory.Sequence(_mobile)
    id_number = "11010519491231002X"


class HouseResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseResident

    house = factory.SubFactory(HouseFactory)
    person = factory.SubFactory(PersonFactory)
    relation = Relation.OWNER
    is_primary = True
