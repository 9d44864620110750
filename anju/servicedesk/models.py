"""Tickets (客服工单) and their timeline."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.labels import choice_label
from anju.core.masking import mask_phone
from anju.core.querysets import ScopedQuerySet

from .choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    Category,
    Channel,
    CompensationStatus,
    EventKind,
    PauseReason,
    SLAClock,
    Status,
    TicketType,
    Urgency,
    VisitMethod,
)


class TicketQuerySet(ScopedQuerySet):
    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    """One owner request of any type, from intake to return visit."""

    company = models.ForeignKey(
        "estates.Company", on_delete=models.PROTECT, related_name="+", editable=False
    )
    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("小区"),
    )
    number = models.CharField(_("工单号"), max_length=20, editable=False)
    type = models.CharField(_("类型"), max_length=12, choices=TicketType.choices)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.NEW,
        editable=False,
    )
    house = models.ForeignKey(
        "estates.House",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("房屋"),
    )
    reporter = models.ForeignKey(
        "estates.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("报事人"),
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    description = models.TextField(_("内容"))
    location = models.CharField(_("发生地点"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    expected_solution = models.TextField(_("业主期望"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        verbose_name=_("责任人"),
    )
    department = models.CharField(_("责任部门"), max_length=50, blank=True)
    escalated = models.BooleanField(_("已上报"), default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    is_repeat = models.BooleanField(_("重复投诉"), default=False)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # complaint record (投诉记录) and outcome
    handling_steps = models.TextField(_("处理过程"), blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    preventive_measures = models.TextField(_("跟进/预防措施"), blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    # clock
    created_at = models.DateTimeField(
        _("登记时间"), default=timezone.now, editable=False
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ack_due_at = models.DateTimeField(_("受理时限"), null=True, blank=True)
    onsite_due_at = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("投诉反馈时限"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("已反馈业主"), null=True, blank=True)
    visit_due_at = models.DateTimeField(_("回访时限"), null=True, blank=True)
    business_hours = models.BooleanField(
        _("按工作时间计时"), default=False, editable=False
    )
    paused_at = models.DateTimeField(
        _("暂停计时于"), null=True, blank=True, editable=False
    )
    pause_reason = models.CharField(
        _("暂停原因"),
        max_length=20,
        choices=PauseReason.choices,
        blank=True,
        editable=False,
    )

    scope_community = "community"
    scope_owner_house = "house"
    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="ticket_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | ~Q(cancel_reason=""),
                name="ticket_cancel_needs_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "status", "-created_at"], name="ticket_queue_idx"
            ),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            models.Index(
                fields=["house", "category", "created_at"], name="ticket_repeat_idx"
            ),
            # the community-period report and its daily series
            models.Index(fields=["community", "created_at"], name="ticket_report_idx"),
            # the breach scan reaches the few open tickets by status (SQLite cannot use
            # the partial due-time indexes below for a `status IN (…)` with parameters)
            models.Index(fields=["status"], name="ticket_status_idx"),
            # the workbench and API filter by category more than by anything else
            models.Index(
                fields=["community", "category", "created_at"],
                name="ticket_category_idx",
            ),
            # category with urgency (电梯 + 紧急): the capped count reads only the
            # matching tickets instead of every ticket of the category
            models.Index(
                fields=["community", "category", "urgency", "created_at"],
                name="ticket_category_urgency_idx",
            ),
            # partial indexes for the breach scan: only running clocks are indexed
            models.Index(
                fields=["ack_due_at"],
                condition=Q(status=Status.NEW),
                name="ticket_ack_due_idx",
            ),
            models.Index(
                fields=["onsite_due_at"],
                condition=Q(status__in=(Status.NEW, Status.ACCEPTED, Status.ASSIGNED)),
                name="ticket_onsite_due_idx",
            ),
            models.Index(
                fields=["resolve_due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_resolve_due_idx",
            ),
            models.Index(
                fields=["feedback_due_at"],
                condition=Q(type=TicketType.COMPLAINT, feedback_at__isnull=True),
                name="ticket_feedback_due_idx",
            ),
            models.Index(
                fields=["visit_due_at"],
                condition=Q(status=Status.RESOLVED),
                name="ticket_visit_due_idx",
            ),
        ]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")

    def __str__(self) -> str:
        return self.number

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    # Labels for list pages (get_FOO_display rebuilds the choices on every call).
    @property
    def type_label(self) -> str:
        return choice_label(TicketType, self.type)

    @property
    def category_label(self) -> str:
        return choice_label(Category, self.category)

    @property
    def urgency_label(self) -> str:
        return choice_label(Urgency, self.urgency)

    @property
    def status_label(self) -> str:
        return choice_label(Status, self.status)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())


class TicketEvent(models.Model):
    """One entry of a ticket's timeline: who, when, from → to, what."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    scope_community = "ticket__community"
    scope_owner_house = "ticket__house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class TicketAttachment(models.Model):
    """A photo on a ticket (the owner's problem, the technician's before/after).

    The file lives under MEDIA_ROOT with a random name, outside any served URL; it is
    sent only by `views.attachment_file`, to users who may see the ticket.
    """

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    original_name = models.CharField(_("原文件名"), max_length=255)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    thumbnail_name = models.CharField(max_length=200, editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(_("大小(字节)"), editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)

    scope_community = "ticket__community"
    scope_owner_house = "ticket__house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.original_name}"


class ServiceDeskPolicy(models.Model):
    """Per-community service-desk settings: service hours, repeat window, visit rules."""

    community = models.OneToOneField(
        "estates.Community", on_delete=models.CASCADE, related_name="servicedesk_policy"
    )
    opens = models.TimeField(_("服务开始"), default=time(8, 30))
    closes = models.TimeField(_("服务结束"), default=time(17, 30))
    repeat_window_days = models.PositiveSmallIntegerField(
        _("重复投诉判定天数"), default=30
    )
    visit_within_hours = models.PositiveSmallIntegerField(
        _("回访时限(小时)"), default=24
    )
    visit_repairs = models.BooleanField(_("报修需回访"), default=True)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("客服策略")
        verbose_name_plural = _("客服策略")

    def __str__(self) -> str:
        return str(self.community)


class SLAPolicy(models.Model):
    """SLA limits for a community × ticket type × urgency; blanks mean "any"."""

    community = models.ForeignKey(
        "estates.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    type = models.CharField(max_length=12, choices=TicketType.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    ack_minutes = models.PositiveIntegerField(_("受理时限(分钟)"))
    onsite_minutes = models.PositiveIntegerField(_("响应时限(分钟)"))
    resolve_minutes = models.PositiveIntegerField(_("办结时限(分钟)"))
    business_hours = models.BooleanField(_("按工作时间计时"), default=False)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "type", "urgency"], name="sla_policy_unique"
            )
        ]
        verbose_name = _("SLA 时限")
        verbose_name_plural = _("SLA 时限")

    def __str__(self) -> str:
        return f"{self.community or '默认'} {self.type or '全部'} {self.urgency}"


class SLABreach(models.Model):
    """One clock of one ticket that ran out; found by the periodic scan, once."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="breaches"
    )
    community = models.ForeignKey(
        "estates.Community", on_delete=models.CASCADE, related_name="+"
    )
    clock = models.CharField(max_length=10, choices=SLAClock.choices)
    due_at = models.DateTimeField()
    detected_at = models.DateTimeField(default=timezone.now)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "clock"], name="sla_breach_once")
        ]
        indexes = [
            models.Index(fields=["community", "detected_at"], name="breach_report_idx")
        ]
        verbose_name = _("超时记录")
        verbose_name_plural = _("超时记录")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.clock}"


class EscalationStep(models.Model):
    """Level N of the escalation chain: who is told, how long after the breach."""

    community = models.ForeignKey(
        "estates.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("级别"))
    role = models.CharField(_("通知角色"), max_length=20)
    title = models.CharField(_("名称"), max_length=30)
    after_minutes = models.PositiveIntegerField(_("超时后(分钟)"))

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "level"], name="escalation_level_unique"
            )
        ]
        verbose_name = _("升级规则")
        verbose_name_plural = _("升级规则")

    def __str__(self) -> str:
        return f"L{self.level} {self.title}"


class ReturnVisit(models.Model):
    """回访: after resolution, the owner is told the result and asked for satisfaction."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回访人"),
    )
    visited_at = models.DateTimeField(_("回访时间"), default=timezone.now)
    method = models.CharField(_("方式"), max_length=10, choices=VisitMethod.choices)
    satisfaction = models.PositiveSmallIntegerField(_("满意度(1-5)"))
    content = models.TextField(_("回访内容"), blank=True)
    owner_feedback = models.TextField(_("业主意见"), blank=True)
    problems_found = models.TextField(_("发现问题"), blank=True)
    improvement_measures = models.TextField(_("改进措施"), blank=True)

    scope_community = "ticket__community"
    scope_owner_house = "ticket__house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["visited_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="visit_satisfaction_1_5",
            )
        ]
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.satisfaction}"


class Compensation(models.Model):
    """补偿 on a complaint (e.g. one month's fee waived), approved by a supervisor.

    Approved, unbilled compensations are credits for billing to consume.
    """

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="compensations"
    )
    community = models.ForeignKey(
        "estates.Community", on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey(
        "estates.House", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=CompensationStatus.choices,
        default=CompensationStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    billed_ref = models.CharField(_("账单引用"), max_length=60, blank=True)

    scope_community = "community"
    scope_owner_house = "house"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="compensation_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="compensation_queue_idx")
        ]
        verbose_name = _("补偿")
        verbose_name_plural = _("补偿")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.amount}"

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("financial records are never deleted")
