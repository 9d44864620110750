"""Writes to master data. Each one is atomic and leaves an audit event."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from anju.core import audit
from anju.core.errors import Conflict, ValidationFailed

from .models import (
    Building,
    Community,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
)


def _full_clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(
            "；".join(exc.messages), fields=getattr(exc, "message_dict", {})
        ) from exc


@transaction.atomic
def save_audited(
    *, obj: models.Model, actor: Any, exclude: list[str] | None = None
) -> Any:
    """Validate, save and audit one master-data row (create or update)."""
    _full_clean(obj, exclude)
    creating = obj.pk is None
    before = {} if creating else audit.snapshot(type(obj)._base_manager.get(pk=obj.pk))
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(
            "与现有记录重复（编号、车牌或房号已存在）", code="duplicate"
        ) from exc
    if creating:
        audit.record_create(actor=actor, obj=obj)
    else:
        audit.record_update(actor=actor, obj=obj, before=before)
    return obj


def house_create(*, actor: Any, **fields: Any) -> House:
    """Create a house; its number is derived from building, unit and room."""
    return save_audited(obj=House(**fields), actor=actor, exclude=["number"])


def house_update(*, house: House, actor: Any, **fields: Any) -> House:
    for key, value in fields.items():
        setattr(house, key, value)
    return save_audited(obj=house, actor=actor, exclude=["number"])


def building_get_or_create(
    *, community: Community, number: str, actor: Any
) -> Building:
    building = Building.objects.filter(community=community, number=number).first()
    if building is None:
        building = save_audited(
            obj=Building(community=community, number=number), actor=actor
        )
    return building


def unit_get_or_create(*, building: Building, number: str, actor: Any) -> Unit:
    unit = Unit.objects.filter(building=building, number=number).first()
    if unit is None:
        unit = save_audited(
            obj=Unit(
                community_id=building.community_id, building=building, number=number
            ),
            actor=actor,
        )
    return unit


def person_create(*, actor: Any, **fields: Any) -> Person:
    return save_audited(
        obj=Person(**fields),
        actor=actor,
        exclude=["name_initials", "name_pinyin", "phone_tail"],
    )


def person_update(*, person: Person, actor: Any, **fields: Any) -> Person:
    for key, value in fields.items():
        setattr(person, key, value)
    return save_audited(
        obj=person, actor=actor, exclude=["name_initials", "name_pinyin", "phone_tail"]
    )


def resident_add(
    *, house: House, person: Person, relation: str, actor: Any, is_primary: bool = False
) -> HouseResident:
    """Tie a person to a house as owner (co-owners allowed), family member or tenant."""
    return save_audited(
        obj=HouseResident(
            house=house, person=person, relation=relation, is_primary=is_primary
        ),
        actor=actor,
    )


def resident_end(
    *, resident: HouseResident, actor: Any, until: Any = None
) -> HouseResident:
    """End a tie (move-out, transfer). Rows are kept for history, not deleted."""
    resident.active = False
    resident.until = until
    return save_audited(obj=resident, actor=actor)


# --- Staff UI writes: buildings, units, new people, vehicles, parking spaces --------

PLATE_RE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]"
    r"[A-Z][A-HJ-NP-Z0-9]{4,6}[A-HJ-NP-Z0-9挂学警港澳]?$"
)


def building_create(*, community: Community, actor: Any, **fields: Any) -> Building:
    """Create a building; a duplicate number in the community is a conflict."""
    return save_audited(obj=Building(community=community, **fields), actor=actor)


def unit_create(*, building: Building, number: str, actor: Any) -> Unit:
    """Create a unit in a building; a duplicate number in the building is a conflict."""
    return save_audited(
        obj=Unit(community_id=building.community_id, building=building, number=number),
        actor=actor,
    )


@transaction.atomic
def person_create_for_house(
    *,
    house: House,
    relation: str,
    actor: Any,
    is_primary: bool = False,
    **fields: Any,
) -> HouseResident:
    """Create a person and tie them to a house in one step: both rows or neither."""
    person = person_create(actor=actor, company_id=house.community.company_id, **fields)
    return resident_add(
        house=house,
        person=person,
        relation=relation,
        actor=actor,
        is_primary=is_primary,
    )


def _check_same_community(community_id: int, **related: Any) -> None:
    wrong = {
        name: ["不属于所选小区"]
        for name, obj in related.items()
        if obj is not None and obj.community_id != community_id
    }
    if wrong:
        raise ValidationFailed("关联对象不属于所选小区", fields=wrong)


def _vehicle_check(vehicle: Vehicle) -> None:
    vehicle.plate = (vehicle.plate or "").strip().upper().replace(" ", "")
    if not PLATE_RE.match(vehicle.plate):
        raise ValidationFailed(
            "车牌号格式不正确（例如 京A12345 或新能源 沪AD12345）",
            code="plate_invalid",
            fields={"plate": ["车牌号格式不正确"]},
        )
    _check_same_community(
        vehicle.community_id,
        house=vehicle.house,
        parking_space=vehicle.parking_space,
    )
    if (
        vehicle.person_id
        and vehicle.house_id
        and not HouseResident.objects.filter(
            house_id=vehicle.house_id, person_id=vehicle.person_id, active=True
        ).exists()
    ):
        raise ValidationFailed(
            "车主不是该房屋的住户", fields={"person": ["车主不是该房屋的住户"]}
        )


def vehicle_create(*, actor: Any, **fields: Any) -> Vehicle:
    """Register a vehicle; house, parking space and owner must match its community."""
    vehicle = Vehicle(**fields)
    _vehicle_check(vehicle)
    return save_audited(obj=vehicle, actor=actor)


def vehicle_update(*, vehicle: Vehicle, actor: Any, **fields: Any) -> Vehicle:
    for key, value in fields.items():
        setattr(vehicle, key, value)
    _vehicle_check(vehicle)
    return save_audited(obj=vehicle, actor=actor)


def parking_space_create(*, actor: Any, **fields: Any) -> ParkingSpace:
    """Create a parking space (产权/租赁/临停), optionally tied to a house."""
    space = ParkingSpace(**fields)
    _check_same_community(space.community_id, house=space.house)
    return save_audited(obj=space, actor=actor)


def parking_space_update(
    *, space: ParkingSpace, actor: Any, **fields: Any
) -> ParkingSpace:
    for key, value in fields.items():
        setattr(space, key, value)
    _check_same_community(space.community_id, house=space.house)
    return save_audited(obj=space, actor=actor)
