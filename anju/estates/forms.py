"""Staff forms for master data. They parse and check input; services do the writes.

Every choice of community, building, unit, house, person or parking space is limited to
what the user may see (`visible_to`), so a crafted POST cannot reach another community.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.validators import (
    normalize_mobile,
    validate_id_number,
    validate_mobile,
)

from .choices import ParkingKind, Relation
from .models import Building, Community, House, Person, Unit


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Community) -> str:
        return obj.name


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.community.name} · {obj}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.community.name} · {obj.building.number}-{obj.number}"


def _communities(user: Any) -> Any:
    return Community.objects.visible_to(user, "change").only("pk", "name")


def _default_community(user: Any, community_id: int | None) -> int | None:
    """The switcher's community, or the only one the user works in."""
    if community_id:
        return community_id
    ids = user.community_ids()
    return ids[0] if len(ids) == 1 else None


def _area_field(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("面积必须大于 0")},
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class HouseForm(forms.ModelForm):
    """Create or edit a house; building and unit must belong to the chosen community."""

    building_area = _area_field(_("建筑面积(㎡)"))
    inner_area = _area_field(_("套内面积(㎡)"), required=False)
    registered_area = _area_field(_("不动产登记面积(㎡)"), required=False)

    class Meta:
        model = House
        fields = [
            "community",
            "building",
            "unit",
            "room",
            "floor",
            "building_area",
            "inner_area",
            "registered_area",
            "usage",
            "occupancy",
            "delivery_date",
            "note",
        ]
        field_classes = {
            "community": CommunityChoiceField,
            "building": BuildingChoiceField,
            "unit": UnitChoiceField,
        }
        widgets = {"delivery_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: Any, community_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["community"].queryset = _communities(user)
        buildings = Building.objects.visible_to(user, "change").select_related(
            "community"
        )
        units = Unit.objects.visible_to(user, "change").select_related(
            "community", "building"
        )
        if community_id:
            buildings = buildings.filter(community_id=community_id)
            units = units.filter(community_id=community_id)
        if not self.instance.pk:
            self.fields["community"].initial = _default_community(user, community_id)
        self.fields["building"].queryset = buildings
        self.fields["unit"].queryset = units
        self.fields["unit"].help_text = _("别墅、商铺可不选单元")
        self.fields["registered_area"].help_text = _("用于业主表决；留空则按建筑面积")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        community, building, unit = (
            data.get("community"),
            data.get("building"),
            data.get("unit"),
        )
        if community and building and building.community_id != community.pk:
            self.add_error("building", _("该楼栋不属于所选小区"))
        if building and unit and unit.building_id != building.pk:
            self.add_error("unit", _("该单元不属于所选楼栋"))
        return data

    def _post_clean(self) -> None:
        # Model-level checks run in the service (one place for the rules); the form
        # only validates fields, so the instance is left untouched until the service.
        pass


def _clean_mobile(value: str) -> str:
    value = normalize_mobile(value)
    if value:
        validate_mobile(value)
    return value


def _clean_id(value: str) -> str:
    value = (value or "").strip().upper()
    if value:
        validate_id_number(value)
    return value


class PersonFieldsMixin(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_phone(self) -> str:
        return _clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_id_number(self) -> str:
        return _clean_id(self.cleaned_data.get("id_number", ""))


class PersonEditForm(PersonFieldsMixin):
    """Edit a person. Phone and ID number are never sent to the browser: blank keeps them."""

    def __init__(self, *args: Any, person: Person, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.person = person
        self.fields["name"].initial = person.name
        self.fields["note"].initial = person.note
        keep = _("留空则不修改")
        if person.phone:
            self.fields["phone"].widget.attrs["placeholder"] = (
                f"{person.phone_masked}（{keep}）"
            )
        if person.id_number:
            self.fields["id_number"].widget.attrs["placeholder"] = (
                f"{person.id_number_masked}（{keep}）"
            )

    def changes(self) -> dict[str, str]:
        data = self.cleaned_data
        out = {"name": data["name"], "note": data["note"]}
        for key in ("phone", "id_number"):
            if data[key]:
                out[key] = data[key]
        return out


class HouseNumberField(forms.CharField):
    """A house typed by its number (3-2-1201), resolved inside the chosen community."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("label", _("房屋编号"))
        kw.setdefault("max_length", 60)
        super().__init__(**kw)
        self.widget.attrs.setdefault("placeholder", "3-2-1201")


def _resolve_house(user: Any, community: Community | None, number: str) -> House | None:
    number = (number or "").strip()
    if not number or community is None:
        return None
    return (
        House.objects.visible_to(user, "change")
        .filter(community=community, number=number)
        .select_related("community")
        .first()
    )


class PersonCreateForm(PersonFieldsMixin):
    """A new owner/resident always joins through a house, so the community can see them."""

    community = CommunityChoiceField(label=_("小区"), queryset=Community.objects.none())
    house_number = HouseNumberField()
    relation = forms.ChoiceField(
        label=_("关系"), choices=Relation.choices, initial=Relation.OWNER
    )
    is_primary = forms.BooleanField(label=_("主联系人"), required=False)

    field_order = [
        "community",
        "house_number",
        "relation",
        "name",
        "phone",
        "id_number",
        "is_primary",
        "note",
    ]

    def __init__(self, *args: Any, user: Any, community_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.user = user
        self.fields["community"].queryset = _communities(user)
        self.fields["community"].initial = _default_community(user, community_id)
        self.house: House | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("community") and data.get("house_number"):
            self.house = _resolve_house(
                self.user, data["community"], data["house_number"]
            )
            if self.house is None:
                self.add_error("house_number", _("该小区没有这个房屋编号"))
        return data


class ResidentAddForm(PersonFieldsMixin):
    """On the house page: pick an existing person or type a new one."""

    person = forms.ModelChoiceField(
        label=_("已登记人员"), queryset=Person.objects.none(), required=False
    )
    relation = forms.ChoiceField(
        label=_("关系"), choices=Relation.choices, initial=Relation.OWNER
    )
    is_primary = forms.BooleanField(label=_("主联系人"), required=False)

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].queryset = Person.objects.visible_to(user)
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("person") and not data.get("name"):
            raise forms.ValidationError(_("请选择已登记人员，或填写新人员的姓名"))
        return data


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["community", "number", "name", "floors"]
        field_classes = {"community": CommunityChoiceField}

    def __init__(self, *args: Any, user: Any, community_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["community"].queryset = _communities(user)
        self.fields["community"].initial = _default_community(user, community_id)
        self.fields["number"].help_text = _("房屋编号的第一段，如 3")

    def _post_clean(self) -> None:
        pass


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["building", "number"]
        field_classes = {"building": BuildingChoiceField}

    def __init__(self, *args: Any, user: Any, community_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        buildings = Building.objects.visible_to(user, "change").select_related(
            "community"
        )
        if community_id:
            buildings = buildings.filter(community_id=community_id)
        self.fields["building"].queryset = buildings

    def _post_clean(self) -> None:
        pass


class _CommunityScopedForm(forms.Form):
    community = CommunityChoiceField(label=_("小区"), queryset=Community.objects.none())
    house_number = HouseNumberField(required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        community_id: int | None = None,
        instance: Any = None,
        **kw: Any,
    ) -> None:
        if instance is not None and "initial" not in kw:
            kw["initial"] = self.initial_from(instance)
        super().__init__(*args, **kw)
        self.user = user
        self.instance = instance
        self.fields["community"].queryset = _communities(user)
        if instance is None and "community" not in self.initial:
            self.fields["community"].initial = _default_community(user, community_id)
        self.house: House | None = None

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return {
            "community": instance.community_id,
            "house_number": instance.house.number if instance.house_id else "",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("community") and data.get("house_number"):
            self.house = _resolve_house(
                self.user, data["community"], data["house_number"]
            )
            if self.house is None:
                self.add_error("house_number", _("该小区没有这个房屋编号"))
        return data


class ParkingSpaceForm(_CommunityScopedForm):
    number = forms.CharField(label=_("车位号"), max_length=30)
    kind = forms.ChoiceField(label=_("类型"), choices=ParkingKind.choices)
    area = forms.DecimalField(
        label=_("面积(㎡)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("面积必须大于 0")},
    )
    location = forms.CharField(label=_("位置"), max_length=100, required=False)

    field_order = ["community", "number", "kind", "house_number", "area", "location"]

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return super().initial_from(instance) | {
            "number": instance.number,
            "kind": instance.kind,
            "area": instance.area,
            "location": instance.location,
        }

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "community": d["community"],
            "number": d["number"].strip(),
            "kind": d["kind"],
            "house": self.house,
            "area": d["area"],
            "location": d["location"],
        }


class VehicleForm(_CommunityScopedForm):
    plate = forms.CharField(
        label=_("车牌号"),
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "京A12345"}),
    )
    brand = forms.CharField(label=_("品牌颜色"), max_length=50, required=False)
    person = forms.ModelChoiceField(
        label=_("车主"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("先填房屋编号，再从该房屋的住户中选择"),
    )
    parking_number = forms.CharField(label=_("车位号"), max_length=30, required=False)

    field_order = [
        "community",
        "plate",
        "brand",
        "house_number",
        "person",
        "parking_number",
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].queryset = self.person_choices()
        self.space = None

    def person_choices(self) -> Any:
        """Active residents of the house typed in (or of the vehicle's house)."""
        source = self.data if self.is_bound else self.initial
        community_id = source.get("community") or self.fields["community"].initial
        number = source.get("house_number") or ""
        people = Person.objects.visible_to(self.user)
        if not community_id or not number or not str(community_id).isdigit():
            return people.none()
        return people.filter(
            residencies__house__community_id=community_id,
            residencies__house__number=str(number).strip(),
            residencies__active=True,
        ).distinct()

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return super().initial_from(instance) | {
            "plate": instance.plate,
            "brand": instance.brand,
            "person": instance.person_id,
            "parking_number": (
                instance.parking_space.number if instance.parking_space_id else ""
            ),
        }

    def clean(self) -> dict[str, Any]:
        from .models import ParkingSpace

        data = super().clean()
        number = (data.get("parking_number") or "").strip()
        if data.get("community") and number:
            self.space = (
                ParkingSpace.objects.visible_to(self.user, "change")
                .filter(community=data["community"], number=number)
                .first()
            )
            if self.space is None:
                self.add_error("parking_number", _("该小区没有这个车位号"))
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "community": d["community"],
            "plate": d["plate"],
            "brand": d["brand"],
            "house": self.house,
            "person": d["person"],
            "parking_space": self.space,
        }
