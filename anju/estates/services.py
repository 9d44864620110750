"""Writes to master data. Each one is atomic and leaves an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from anju.core import audit
from anju.core.errors import Conflict, ValidationFailed

from .models import Building, Community, House, HouseResident, Person, Unit


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
