"""Tickets (客服工单) and their timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.masking import mask_phone
from anju.core.querysets import ScopedQuerySet

from .choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    Category,
    Channel,
    EventKind,
    Status,
    TicketType,
    Urgency,
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
            models.Index(fields=["status", "resolve_due_at"], name="ticket_due_idx"),
        ]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")

    def __str__(self) -> str:
        return self.number

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

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
