"""Codes for master data (DOMAIN §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Usage(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("办公")
    PARKING = "parking", _("车位")
    STORAGE = "storage", _("储藏室")


class Occupancy(models.TextChoices):
    UNSOLD = "unsold", _("未售")
    VACANT = "vacant", _("空置")
    OCCUPIED = "occupied", _("入住")
    RENOVATING = "renovating", _("装修中")


class Relation(models.TextChoices):
    OWNER = "owner", _("业主")
    FAMILY = "family", _("家属")
    TENANT = "tenant", _("租户")


class ParkingKind(models.TextChoices):
    OWNED = "owned", _("产权")
    RENTED = "rented", _("租赁")
    TEMPORARY = "temporary", _("临停")
