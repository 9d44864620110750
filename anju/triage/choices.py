"""The triage taxonomy (DOMAIN §3): ticket type, category and urgency codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Category(models.TextChoices):
    ELEVATOR = "elevator", _("电梯")
    PLUMBING = "plumbing", _("给排水")
    ELECTRICAL = "electrical", _("供电照明")
    FIRE_GAS = "fire_gas", _("消防燃气")
    SECURITY = "security", _("安防门禁")
    NOISE = "noise", _("噪音扰民")
    RENOVATION = "renovation", _("装修管理")
    SANITATION = "sanitation", _("环境卫生")
    GREENING = "greening", _("绿化")
    PARKING = "parking", _("停车车辆")
    FEES = "fees", _("费用缴纳")
    PETS = "pets", _("宠物")
    FACILITIES = "facilities", _("公共设施/房屋本体")
    NEIGHBOR = "neighbor", _("邻里纠纷")
    SERVICE = "service", _("服务质量")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    # danger to life or property now: trapped, fire, smoke, gas, flooding, sparks, injury
    EMERGENCY = "emergency", _("紧急")
    # a home without water or power, lifts out of service, sewage backflow, falling hazard
    URGENT = "urgent", _("加急")
    NORMAL = "normal", _("一般")


FIELDS = ("type", "category", "urgency")
FIELD_CHOICES = {
    "type": TicketType,
    "category": Category,
    "urgency": Urgency,
}
URGENCY_RANK = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.EMERGENCY: 2}
