"""Serializers for master data. Fields are listed explicitly; community and derived
fields are read-only; personal data leaves the server masked."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anju.core.api import ScopedPrimaryKeyRelatedField
from anju.core.masking import is_masked, mask_id_number, mask_phone

from ..models import (
    Building,
    Community,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
)


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "name", "code", "address", "phone", "timezone"]
        read_only_fields = fields


class CommunityOnCreateMixin:
    """`community` is chosen when a row is created and read-only afterwards."""

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()  # type: ignore[misc]
        if self.instance is not None:  # type: ignore[attr-defined]
            fields["community"].read_only = True
        return fields


class BuildingSerializer(CommunityOnCreateMixin, serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all())

    class Meta:
        model = Building
        fields = ["id", "community", "number", "name", "floors"]


class UnitSerializer(serializers.ModelSerializer):
    building = ScopedPrimaryKeyRelatedField(queryset=Building.objects.all())

    class Meta:
        model = Unit
        fields = ["id", "community", "building", "number"]
        read_only_fields = ["community"]
        validators: list = []

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None:
            fields["building"].read_only = True
        return fields


class HouseSerializer(serializers.ModelSerializer):
    building = ScopedPrimaryKeyRelatedField(queryset=Building.objects.all())
    unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = House
        fields = [
            "id",
            "community",
            "building",
            "unit",
            "room",
            "number",
            "floor",
            "building_area",
            "inner_area",
            "registered_area",
            "usage",
            "occupancy",
            "delivery_date",
            "note",
        ]
        read_only_fields = ["community", "number"]
        validators: list = []  # uniqueness is the service's (409 duplicate)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        building = attrs.get("building") or getattr(self.instance, "building", None)
        unit = (
            attrs["unit"] if "unit" in attrs else getattr(self.instance, "unit", None)
        )
        if (
            unit is not None
            and building is not None
            and unit.building_id != building.pk
        ):
            raise serializers.ValidationError({"unit": ["该单元不属于所选楼栋"]})
        if building is not None:
            attrs["community"] = building.community
        return attrs


class MaskedPersonalDataMixin:
    """Phones and ID numbers are always masked on the way out.

    A masked value sent back unchanged (e.g. by a client that PUTs what it read) is
    ignored instead of overwriting the real number.
    """

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)  # type: ignore[misc]
        if "phone" in data:
            data["phone"] = mask_phone(data["phone"])
        if "id_number" in data:
            data["id_number"] = mask_id_number(data["id_number"])
        return data

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if hasattr(data, "copy"):
            data = data.copy()
            for key in ("phone", "id_number"):
                if is_masked(data.get(key)):
                    data.pop(key)
        return super().to_internal_value(data)  # type: ignore[misc]


class PersonSerializer(MaskedPersonalDataMixin, serializers.ModelSerializer):
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="返回时脱敏"
    )
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="返回时脱敏"
    )
    has_portal_account = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "phone",
            "id_number",
            "name_initials",
            "note",
            "has_portal_account",
        ]
        read_only_fields = ["name_initials"]

    @extend_schema_field(serializers.BooleanField())
    def get_has_portal_account(self, obj: Person) -> bool:
        return obj.user_id is not None


class PersonCreateSerializer(PersonSerializer):
    """A new person is tied to a house at once, so the creator can see them."""

    house = ScopedPrimaryKeyRelatedField(
        queryset=House.objects.all(), write_only=True, help_text="所住房屋ID"
    )
    relation = serializers.ChoiceField(
        choices=HouseResident._meta.get_field("relation").choices,
        write_only=True,
        default="owner",
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "house", "relation"]


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["phone", "id_number"])
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class ResidentSerializer(serializers.ModelSerializer):
    house = ScopedPrimaryKeyRelatedField(queryset=House.objects.all())
    person = ScopedPrimaryKeyRelatedField(queryset=Person.objects.all())
    house_number = serializers.CharField(source="house.number", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = HouseResident
        fields = [
            "id",
            "house",
            "house_number",
            "person",
            "person_name",
            "relation",
            "is_primary",
            "active",
            "since",
            "until",
        ]
        read_only_fields = ["active", "until"]
        validators: list = []

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None:
            fields["house"].read_only = True
            fields["person"].read_only = True
        return fields


class ParkingSpaceSerializer(CommunityOnCreateMixin, serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all())
    house = ScopedPrimaryKeyRelatedField(
        queryset=House.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ParkingSpace
        fields = ["id", "community", "number", "kind", "house", "area", "location"]
        validators: list = []


class VehicleSerializer(CommunityOnCreateMixin, serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all())
    house = ScopedPrimaryKeyRelatedField(
        queryset=House.objects.all(), allow_null=True, required=False
    )
    person = ScopedPrimaryKeyRelatedField(
        queryset=Person.objects.all(), allow_null=True, required=False
    )
    parking_space = ScopedPrimaryKeyRelatedField(
        queryset=ParkingSpace.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "community",
            "plate",
            "house",
            "person",
            "parking_space",
            "brand",
        ]
        validators: list = []
