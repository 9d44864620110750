"""Ticket writes. Every status change: lock → guard → set → save → timeline event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.numbering import next_number
from anju.core.validators import is_mobile

from .choices import (
    COMPLAINT_FEEDBACK,
    DEFAULT_SLA,
    NUMBER_PREFIX,
    REPEAT_WINDOW_DAYS,
    EventKind,
    Status,
    TicketType,
    Urgency,
)
from .models import Ticket, TicketEvent

REPEAT_TYPES = (TicketType.COMPLAINT, TicketType.REPAIR)


def _require(actor: Any, perm: str, community_id: int) -> None:
    """Staff with `perm` working in the community; anything else is refused."""
    if community_id not in getattr(actor, "community_ids", lambda: [])():
        raise NotFound("小区不存在或无权访问", code="community_not_found")
    if not actor.has_role_perm(perm):
        raise PermissionDenied("无权执行此操作", code="ticket_permission_denied")


def _event(
    ticket: Ticket,
    actor: Any,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **data: Any,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


def sla_due_times(
    *, start: datetime, urgency: str, type: str
) -> dict[str, datetime | None]:
    """Due times for acknowledge, first action, resolve and the complaint feedback promise."""
    ack, onsite, resolve = DEFAULT_SLA[urgency]
    return {
        "ack_due_at": start + ack,
        "onsite_due_at": start + onsite,
        "resolve_due_at": start + resolve,
        "feedback_due_at": start + COMPLAINT_FEEDBACK
        if type == TicketType.COMPLAINT
        else None,
    }


def _find_repeat(ticket: Ticket) -> Ticket | None:
    if ticket.house_id is None or ticket.type not in REPEAT_TYPES:
        return None
    since = ticket.created_at - timedelta(days=REPEAT_WINDOW_DAYS)
    return (
        Ticket.objects.filter(
            house_id=ticket.house_id,
            category=ticket.category,
            type__in=REPEAT_TYPES,
            created_at__gte=since,
        )
        .exclude(pk=ticket.pk)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    community: Any,
    type: str,
    channel: str,
    category: str,
    description: str,
    contact_name: str,
    contact_phone: str = "",
    urgency: str = Urgency.NORMAL,
    house: Any = None,
    reporter: Any = None,
    location: str = "",
    occurred_at: datetime | None = None,
    expected_solution: str = "",
) -> Ticket:
    """Log a ticket, number it (TS2026-0568), set its SLA clocks, flag repeats."""
    _require(actor, "servicedesk.change", community.pk)
    errors: dict[str, list[str]] = {}
    if not (description or "").strip():
        errors["description"] = ["请填写工单内容"]
    if not (contact_name or "").strip():
        errors["contact_name"] = ["请填写联系人"]
    if contact_phone and not is_mobile(contact_phone):
        errors["contact_phone"] = ["手机号码格式不正确"]
    if house is not None and house.community_id != community.pk:
        errors["house"] = ["房屋不属于该小区"]
    if type not in TicketType.values:
        errors["type"] = ["未知的工单类型"]
    if errors:
        raise ValidationFailed("工单信息不完整或有误", fields=errors)
    now = timezone.now()
    year = now.astimezone(ZoneInfo(community.timezone)).year
    ticket = Ticket(
        company_id=community.company_id,
        community=community,
        number=next_number(
            company_id=community.company_id, prefix=NUMBER_PREFIX[type], year=year
        ),
        type=type,
        channel=channel,
        category=category,
        urgency=urgency,
        house=house,
        reporter=reporter,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone,
        description=description.strip(),
        location=location,
        occurred_at=occurred_at,
        expected_solution=expected_solution,
        created_by=actor,
        created_at=now,
        **sla_due_times(start=now, urgency=urgency, type=type),
    )
    ticket.full_clean(
        exclude=["company", "number", "created_by"], validate_constraints=False
    )
    ticket.save()
    _event(ticket, actor, EventKind.CREATED, to_status=Status.NEW)
    previous = _find_repeat(ticket)
    if previous is not None:
        ticket.is_repeat = True
        ticket.repeat_of = previous
        ticket.escalated = True
        ticket.escalation_level = max(ticket.escalation_level, 1)
        ticket.save(
            update_fields=["is_repeat", "repeat_of", "escalated", "escalation_level"]
        )
        _event(
            ticket,
            actor,
            EventKind.REPEAT,
            note=f"{REPEAT_WINDOW_DAYS} 天内同一房屋同类问题重复反映（上次 {previous.number}），已自动上报",
            previous=previous.number,
        )
    return ticket


def _move(
    *,
    ticket: Ticket,
    actor: Any,
    to: str,
    kind: str,
    note: str = "",
    fields: dict[str, Any] | None = None,
    **data: Any,
) -> Ticket:
    """The one transition template: lock, guard, set, save, event."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not locked.can_move_to(to):
        raise InvalidTransition(
            f"工单当前状态为「{locked.get_status_display()}」，不能{EventKind(kind).label}",
            code="ticket_invalid_transition",
        )
    before = locked.status
    locked.status = to
    for key, value in (fields or {}).items():
        setattr(locked, key, value)
    locked.save(update_fields=["status", *(fields or {})])
    _event(locked, actor, kind, from_status=before, to_status=to, note=note, **data)
    return locked


@transaction.atomic
def ticket_accept(*, ticket: Ticket, actor: Any, note: str = "") -> Ticket:
    """An agent takes the ticket and tells the owner the process and time limit."""
    _require(actor, "servicedesk.change", ticket.community_id)
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.ACCEPTED,
        kind=EventKind.ACCEPTED,
        note=note,
        fields={"accepted_at": timezone.now()},
    )


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, assignee: Any, actor: Any, department: str = "", note: str = ""
) -> Ticket:
    """Hand the ticket to a department and a named responsible person."""
    _require(actor, "servicedesk.assign", ticket.community_id)
    if (
        not assignee.is_active
        or assignee.is_owner_account
        or ticket.community_id not in assignee.community_ids()
    ):
        raise ValidationFailed(
            "责任人必须是该小区的在职员工", fields={"assignee": ["责任人不在该小区"]}
        )
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.ASSIGNED,
        kind=EventKind.ASSIGNED,
        note=note,
        fields={
            "assignee": assignee,
            "department": department,
            "assigned_at": timezone.now(),
        },
        assignee=str(assignee),
        department=department,
    )


def _is_handler(ticket: Ticket, actor: Any) -> bool:
    return ticket.assignee_id == actor.pk or actor.has_role_perm("servicedesk.assign")


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor: Any, note: str = "") -> Ticket:
    """The responsible person starts work (arrives on site / first action)."""
    _require(actor, "servicedesk.view", ticket.community_id)
    if not _is_handler(ticket, actor):
        raise PermissionDenied(
            "只有责任人或主管可以开始处理", code="ticket_not_assignee"
        )
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.IN_PROGRESS,
        kind=EventKind.STARTED,
        note=note,
        fields={"started_at": ticket.started_at or timezone.now()},
    )


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor: Any, resolution: str, note: str = ""
) -> Ticket:
    """Record the result; the ticket then waits for its return visit."""
    _require(actor, "servicedesk.view", ticket.community_id)
    if not _is_handler(ticket, actor) and not actor.has_role_perm("servicedesk.change"):
        raise PermissionDenied("只有责任人或客服可以办结", code="ticket_not_assignee")
    if not (resolution or "").strip():
        raise ValidationFailed("请填写处理结果", fields={"resolution": ["必填"]})
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.RESOLVED,
        kind=EventKind.RESOLVED,
        note=note,
        fields={"resolution": resolution.strip(), "resolved_at": timezone.now()},
    )


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: Any, note: str = "") -> Ticket:
    _require(actor, "servicedesk.change", ticket.community_id)
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.CLOSED,
        kind=EventKind.CLOSED,
        note=note,
        fields={"closed_at": timezone.now()},
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: Any, reason: str) -> Ticket:
    """The owner is not satisfied or the problem came back: back to in progress."""
    _require(actor, "servicedesk.change", ticket.community_id)
    if not (reason or "").strip():
        raise ValidationFailed("请填写重新打开的原因", fields={"reason": ["必填"]})
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.IN_PROGRESS,
        kind=EventKind.REOPENED,
        note=reason.strip(),
        fields={
            "reopen_count": ticket.reopen_count + 1,
            "resolved_at": None,
            "closed_at": None,
        },
    )


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor: Any, reason: str) -> Ticket:
    _require(actor, "servicedesk.change", ticket.community_id)
    if not (reason or "").strip():
        raise ValidationFailed("撤销工单必须填写原因", fields={"reason": ["必填"]})
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.CANCELLED,
        kind=EventKind.CANCELLED,
        note=reason.strip(),
        fields={"cancel_reason": reason.strip()[:200]},
    )


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, actor: Any, reason: str) -> Ticket:
    """上报: a flag and an event, not a state."""
    _require(actor, "servicedesk.view", ticket.community_id)
    if not (reason or "").strip():
        raise ValidationFailed("请填写上报原因", fields={"reason": ["必填"]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            "已关闭或已撤销的工单不能上报", code="ticket_invalid_transition"
        )
    locked.escalated = True
    locked.escalation_level += 1
    locked.save(update_fields=["escalated", "escalation_level"])
    _event(
        locked,
        actor,
        EventKind.ESCALATED,
        note=reason.strip(),
        level=locked.escalation_level,
    )
    return locked


@transaction.atomic
def ticket_change_urgency(
    *, ticket: Ticket, actor: Any, urgency: str, reason: str
) -> Ticket:
    """Change urgency and recompute the due times from the ticket's creation."""
    _require(actor, "servicedesk.change", ticket.community_id)
    if urgency not in Urgency.values:
        raise ValidationFailed("未知的紧急程度", fields={"urgency": ["无效"]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = locked.urgency
    locked.urgency = urgency
    due = sla_due_times(start=locked.created_at, urgency=urgency, type=locked.type)
    for key, value in due.items():
        setattr(locked, key, value)
    locked.save(update_fields=["urgency", *due])
    _event(
        locked, actor, EventKind.URGENCY, note=reason, **{"from": before, "to": urgency}
    )
    return locked
