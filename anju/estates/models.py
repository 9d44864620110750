"""Master data: company → community → building → unit → house; people; vehicles; parking."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.masking import mask_id_number, mask_phone
from anju.core.querysets import ScopedQuerySet
from anju.core.validators import validate_id_number, validate_mobile

from .choices import Occupancy, ParkingKind, Relation, Usage


class Company(models.Model):
    """A property-management company (物业公司)."""

    name = models.CharField(_("公司名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("物业公司")
        verbose_name_plural = _("物业公司")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A managed community/project (小区/项目); every operational record belongs to one."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("公司"),
    )
    name = models.CharField(_("小区名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=30)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    phone = models.CharField(_("服务电话"), max_length=30, blank=True)

    scope_community = ""
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["company_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"], name="community_code_unique"
            )
        ]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """A building (楼栋) in a community; `number` is the first part of a house number."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="buildings",
        verbose_name=_("小区"),
    )
    number = models.CharField(_("楼栋号"), max_length=20)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    floors = models.PositiveSmallIntegerField(_("地上层数"), null=True, blank=True)

    scope_community = "community"
    scope_owner_house = "houses"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="building_number_unique"
            )
        ]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self) -> str:
        return self.name or f"{self.number}号楼"


class Unit(models.Model):
    """A staircase unit (单元) inside a building."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    number = models.CharField(_("单元号"), max_length=20)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="unit_number_unique"
            )
        ]
        verbose_name = _("单元")
        verbose_name_plural = _("单元")

    def __str__(self) -> str:
        return f"{self.building.number}-{self.number}"


def house_number(building: str, unit: str | None, room: str) -> str:
    """3-2-1201 (building-unit-room), or 3-1201 when the house has no unit."""
    return "-".join(p for p in (building, unit or "", room) if p)


class House(models.Model):
    """A house/room (房屋); `building_area` is the billing base."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="houses",
        verbose_name=_("小区"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        related_name="houses",
        verbose_name=_("楼栋"),
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="houses",
        verbose_name=_("单元"),
    )
    room = models.CharField(_("房号"), max_length=20)
    number = models.CharField(_("房屋编号"), max_length=60, editable=False)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    building_area = models.DecimalField(
        _("建筑面积(㎡)"), max_digits=10, decimal_places=2
    )
    inner_area = models.DecimalField(
        _("套内面积(㎡)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    registered_area = models.DecimalField(
        _("不动产登记面积(㎡)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("用于业主表决；留空则按建筑面积"),
    )
    usage = models.CharField(
        _("用途"), max_length=20, choices=Usage.choices, default=Usage.RESIDENTIAL
    )
    occupancy = models.CharField(
        _("状态"), max_length=20, choices=Occupancy.choices, default=Occupancy.OCCUPIED
    )
    delivery_date = models.DateField(_("交付日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_community = "community"
    scope_owner_house = ""
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="house_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(building_area__gt=0), name="house_building_area_positive"
            ),
            models.CheckConstraint(
                condition=Q(inner_area__isnull=True) | Q(inner_area__gt=0),
                name="house_inner_area_positive",
            ),
        ]
        indexes = [
            # Pattern ops: on PostgreSQL `LIKE 'q%'` uses the index whatever the
            # database collation; elsewhere it is a plain index (range scans).
            models.Index(
                fields=["number"],
                name="house_number_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["community", "usage", "occupancy"], name="house_filter_idx"
            ),
        ]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.number = house_number(
            self.building.number, self.unit.number if self.unit_id else None, self.room
        )
        super().save(*args, **kwargs)

    @property
    def vote_area(self) -> Decimal:
        """Registered area for owner votes; defaults to the building area."""
        return (
            self.registered_area
            if self.registered_area is not None
            else self.building_area
        )


class Person(models.Model):
    """An owner, family member or tenant; may have a portal login."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="people", verbose_name=_("公司")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(
        _("手机号"), max_length=20, blank=True, validators=[validate_mobile]
    )
    id_number = models.CharField(
        _("身份证号"), max_length=18, blank=True, validators=[validate_id_number]
    )
    name_initials = models.CharField(max_length=20, blank=True, editable=False)
    name_pinyin = models.CharField(max_length=100, blank=True, editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("业主端账号"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A person is visible to staff of any community where they hold a house.
    scope_community = "residencies__house__community"
    scope_owner_house = "residencies__house"
    scope_company = "company_id"
    scope_many = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(
                fields=["name"],
                name="person_name_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_initials"],
                name="person_initials_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_pinyin"],
                name="person_pinyin_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["phone_tail"], name="person_phone_tail_idx"),
            models.Index(fields=["phone"], name="person_phone_idx"),
        ]
        verbose_name = _("业主/住户")
        verbose_name_plural = _("业主/住户")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from anju.core.text import pinyin_full, pinyin_initials

        self.name_initials = pinyin_initials(self.name)[:20]
        self.name_pinyin = pinyin_full(self.name)[:100]
        self.phone_tail = self.phone[-4:] if self.phone else ""
        super().save(*args, **kwargs)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class HouseResident(models.Model):
    """A person's tie to a house: owner (co-owners allowed), family member or tenant."""

    house = models.ForeignKey(
        House,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("房屋"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="residencies",
        verbose_name=_("人员"),
    )
    relation = models.CharField(
        _("关系"), max_length=10, choices=Relation.choices, default=Relation.OWNER
    )
    is_primary = models.BooleanField(_("主联系人"), default=False)
    active = models.BooleanField(_("有效"), default=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("结束日期"), null=True, blank=True)

    scope_community = "house__community"
    scope_owner_house = "house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["house_id", "-is_primary", "relation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "person", "relation"],
                condition=Q(active=True),
                name="resident_active_unique",
            )
        ]
        indexes = [
            models.Index(fields=["person", "active"], name="resident_person_idx")
        ]
        verbose_name = _("房屋住户")
        verbose_name_plural = _("房屋住户")

    def __str__(self) -> str:
        return f"{self.house} {self.person} ({self.get_relation_display()})"


class ParkingSpace(models.Model):
    """A parking space: owned (产权), rented (租赁) or temporary (临停)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="parking_spaces",
        verbose_name=_("小区"),
    )
    number = models.CharField(_("车位号"), max_length=30)
    kind = models.CharField(_("类型"), max_length=10, choices=ParkingKind.choices)
    house = models.ForeignKey(
        House,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parking_spaces",
        verbose_name=_("关联房屋"),
    )
    area = models.DecimalField(
        _("面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    location = models.CharField(_("位置"), max_length=100, blank=True)

    scope_community = "community"
    scope_owner_house = "house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="parking_number_unique"
            )
        ]
        verbose_name = _("车位")
        verbose_name_plural = _("车位")

    def __str__(self) -> str:
        return self.number


class Vehicle(models.Model):
    """A resident's vehicle, registered to a house and optionally a parking space."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("小区"),
    )
    plate = models.CharField(_("车牌号"), max_length=12)
    house = models.ForeignKey(
        House,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("房屋"),
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("车主"),
    )
    parking_space = models.ForeignKey(
        ParkingSpace,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vehicles",
        verbose_name=_("车位"),
    )
    brand = models.CharField(_("品牌颜色"), max_length=50, blank=True)

    scope_community = "community"
    scope_owner_house = "house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community_id", "plate"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "plate"], name="vehicle_plate_unique"
            )
        ]
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")

    def __str__(self) -> str:
        return self.plate
