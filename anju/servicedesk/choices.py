"""Service-desk codes (DOMAIN §3) and the ticket state machine."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


NUMBER_PREFIX = {
    TicketType.CONSULT: "ZX",
    TicketType.REPAIR: "BX",
    TicketType.COMPLAINT: "TS",
    TicketType.SUGGESTION: "JY",
    TicketType.PRAISE: "BY",
}


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    COUNTER = "counter", _("前台")
    PORTAL = "portal", _("业主端")
    WECHAT = "wechat", _("微信")
    PATROL = "patrol", _("巡查发现")
    SYSTEM = "system", _("系统/设备告警")


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
    EMERGENCY = "emergency", _("紧急")
    URGENT = "urgent", _("加急")
    NORMAL = "normal", _("一般")


class Status(models.TextChoices):
    NEW = "new", _("待受理")  # logged, nobody has taken it yet
    ACCEPTED = (
        "accepted",
        _("已受理"),
    )  # an agent owns it and has told the owner the time limit
    ASSIGNED = "assigned", _("已派单")  # handed to a department and a named person
    IN_PROGRESS = "in_progress", _("处理中")  # the responsible person is on it
    RESOLVED = "resolved", _("已办结(待回访)")  # done; waiting for the return visit
    CLOSED = "closed", _("已关闭")  # visited (or no visit due) and closed
    CANCELLED = "cancelled", _("已撤销")  # withdrawn, with a reason


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)

# from-status → statuses it may move to. Reopening is RESOLVED/CLOSED → IN_PROGRESS.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ACCEPTED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset(
        {Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.ASSIGNED: frozenset(
        {Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset({Status.ASSIGNED, Status.RESOLVED, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset(),
}


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("派单")
    STARTED = "started", _("开始处理")
    RESOLVED = "resolved", _("办结")
    CLOSED = "closed", _("关闭")
    REOPENED = "reopened", _("重新打开")
    CANCELLED = "cancelled", _("撤销")
    ESCALATED = "escalated", _("上报")
    REPEAT = "repeat", _("重复投诉")
    URGENCY = "urgency", _("调整紧急程度")
    COMMENT = "comment", _("备注")
    PAUSED = "paused", _("暂停计时")
    RESUMED = "resumed", _("恢复计时")
    FEEDBACK = "feedback", _("反馈业主")
    BREACH = "breach", _("超时")
    VISITED = "visited", _("回访")
    COMPENSATION = "compensation", _("补偿")
    ATTACHMENT = "attachment", _("上传照片")


class PauseReason(models.TextChoices):
    WAITING_OWNER = "waiting_owner", _("等待业主")
    WAITING_PARTS = "waiting_parts", _("等待配件")


class SLAClock(models.TextChoices):
    ACK = "ack", _("受理")
    ONSITE = "onsite", _("响应/到场")
    RESOLVE = "resolve", _("办结")
    FEEDBACK = "feedback", _("投诉两小时反馈")
    VISIT = "visit", _("回访")


# Default multi-level escalation chain: (level, role, title, minutes after the breach).
DEFAULT_ESCALATION = (
    (1, "supervisor", "客服主管", 0),
    (2, "manager", "项目经理", 60),
    (3, "regional", "区域公司", 240),
    (4, "headquarters", "集团总部", 1440),
)


# Default SLA per urgency (DOMAIN §3): acknowledge, on site / first action, resolve.
DEFAULT_SLA: dict[str, tuple[timedelta, timedelta, timedelta]] = {
    Urgency.EMERGENCY: (
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=24),
    ),
    Urgency.URGENT: (timedelta(minutes=15), timedelta(hours=2), timedelta(hours=24)),
    Urgency.NORMAL: (timedelta(hours=2), timedelta(hours=24), timedelta(hours=72)),
}
COMPLAINT_FEEDBACK = timedelta(hours=2)
REPEAT_WINDOW_DAYS = 30


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门")
    PORTAL = "portal", _("业主端")


class CompensationStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


MAX_ATTACHMENTS_PER_TICKET = 9  # photos on one ticket, as many as a WeChat post
LOW_SATISFACTION = 2  # a visit scoring this or lower reopens the ticket
