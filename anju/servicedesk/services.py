"""Ticket writes. Every status change: lock → guard → set → save → timeline event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.images import Photo, photo_prepare
from anju.core.memo import TableMemo
from anju.core.money import money
from anju.core.numbering import next_number
from anju.core.validators import is_mobile

from .choices import (
    COMPLAINT_FEEDBACK,
    DEFAULT_SLA,
    LOW_SATISFACTION,
    MAX_ATTACHMENTS_PER_TICKET,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    CompensationStatus,
    EventKind,
    PauseReason,
    Status,
    TicketType,
    Urgency,
    VisitMethod,
)
from .models import (
    Compensation,
    ReturnVisit,
    ServiceDeskPolicy,
    SLAPolicy,
    Ticket,
    TicketAttachment,
    TicketEvent,
)
from .sla import ServiceHours, WallClock, shift_for_pause

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


_POLICIES: TableMemo[dict[int, ServiceDeskPolicy]] = TableMemo(
    lambda: {p.community_id: p for p in ServiceDeskPolicy.objects.all()}
).clear_on_change(ServiceDeskPolicy)
_SLA_POLICIES: TableMemo[list[SLAPolicy]] = TableMemo(
    lambda: list(SLAPolicy.objects.all())
).clear_on_change(SLAPolicy)


def policy_for(community: Any) -> ServiceDeskPolicy:
    """The community's service-desk settings (defaults until an admin changes them)."""
    policy = getattr(community, "_sd_policy", None)
    if policy is None:
        policy = _POLICIES.get().get(community.pk) or ServiceDeskPolicy(
            community=community
        )
        community._sd_policy = policy
    return policy


def sla_limits(
    *, community: Any, type: str, urgency: str
) -> tuple[tuple[timedelta, ...], bool]:
    """(ack, onsite, resolve) and whether they count business hours only.

    The most specific policy wins: community+type, community, default+type, default;
    without any row the DOMAIN defaults apply, with business hours for normal urgency.
    """
    rows = [
        r
        for r in _SLA_POLICIES.get()
        if r.community_id in (None, community.pk)
        and r.urgency == urgency
        and r.type in (type, "")
    ]
    best = sorted(
        rows, key=lambda r: (r.community_id is not None, r.type != ""), reverse=True
    )
    if best:
        r = best[0]
        limits = (
            timedelta(minutes=r.ack_minutes),
            timedelta(minutes=r.onsite_minutes),
            timedelta(minutes=r.resolve_minutes),
        )
        return limits, r.business_hours
    return DEFAULT_SLA[urgency], urgency == Urgency.NORMAL


def clock_for(ticket: Ticket) -> ServiceHours | WallClock:
    if not ticket.business_hours:
        return WallClock()
    policy = policy_for(ticket.community)
    return ServiceHours(
        tz=ticket.community.timezone, opens=policy.opens, closes=policy.closes
    )


def _set_due_times(ticket: Ticket, start: datetime) -> list[str]:
    """Compute every due time from `start`; returns the fields it set."""
    (ack, onsite, resolve), business = sla_limits(
        community=ticket.community, type=ticket.type, urgency=ticket.urgency
    )
    ticket.business_hours = business
    clock = clock_for(ticket)
    ticket.ack_due_at, ticket.onsite_due_at, ticket.resolve_due_at = clock.add_many(
        start, [ack, onsite, resolve]
    )
    # The complaint promise ("两小时内给您反馈") runs on the wall clock from acceptance,
    # provisionally from creation until the ticket is accepted.
    ticket.feedback_due_at = (
        (ticket.accepted_at or start) + COMPLAINT_FEEDBACK
        if ticket.type == TicketType.COMPLAINT
        else None
    )
    return [
        "business_hours",
        "ack_due_at",
        "onsite_due_at",
        "resolve_due_at",
        "feedback_due_at",
    ]


def _find_repeat(ticket: Ticket) -> Ticket | None:
    """The latest ticket of the same house and category within the repeat window.

    Written as one prepared statement: it runs on every ticket created, and compiling
    the equivalent queryset costs more than the indexed lookup itself
    (`ticket_repeat_idx`: house, category, created_at)."""
    if ticket.house_id is None or ticket.type not in REPEAT_TYPES:
        return None
    since = ticket.created_at - timedelta(
        days=policy_for(ticket.community).repeat_window_days
    )
    ops = connection.ops
    table = ops.quote_name(Ticket._meta.db_table)
    sql = (
        f"SELECT id, number FROM {table} WHERE house_id = %s AND category = %s "
        f"AND type IN ({', '.join(['%s'] * len(REPEAT_TYPES))}) AND created_at >= %s"
        + (" AND id <> %s" if ticket.pk else "")
        + " ORDER BY created_at DESC LIMIT 1"
    )
    params = [
        ticket.house_id,
        ticket.category,
        *REPEAT_TYPES,
        ops.adapt_datetimefield_value(since),
    ]
    if ticket.pk:
        params.append(ticket.pk)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return None if row is None else Ticket(pk=row[0], number=row[1])


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
    photos: Sequence[IO[bytes]] = (),
) -> Ticket:
    """Log a ticket, number it (TS2026-0568), set its SLA clocks, flag repeats.

    `photos` are checked before anything is written: one bad photo refuses the ticket.
    """
    _require(actor, "servicedesk.change", community.pk)
    # decoded before the transaction: a writer's lock is not held while pictures decode
    checked = photos_check(photos, existing=0) if photos else []
    built, previous = _ticket_build(
        actor=actor,
        community=community,
        type=type,
        channel=channel,
        category=category,
        description=description,
        contact_name=contact_name,
        contact_phone=contact_phone,
        urgency=urgency,
        house=house,
        reporter=reporter,
        location=location,
        occurred_at=occurred_at,
        expected_solution=expected_solution,
    )
    rows: list[TicketAttachment] = []
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # The number is drawn on its own, committed at once like a sequence: the
            # counter's row is not held locked while the ticket is written, so
            # concurrent intakes do not queue on it. A ticket that then fails to save
            # leaves a gap in the numbers, never a duplicate. (On SQLite the one writer
            # is serialised anyway; a second write transaction would only cost.)
            built.number = _draw_number(built)
        with transaction.atomic():
            ticket = _ticket_write(built, previous, actor)
            if checked:
                rows = _attachments_store(ticket=ticket, actor=actor, photos=checked)
    except BaseException:
        attachment_files_delete(rows)  # the commit failed after the files were written
        raise
    return ticket


def _ticket_insert(*, actor: Any, **fields: Any) -> Ticket:
    """The checks and writes of a new ticket, once the caller's right is established
    (staff: `ticket_create`; owners: `owner_services.ticket_submit_by_owner`)."""
    ticket, previous = _ticket_build(actor=actor, **fields)
    return _ticket_write(ticket, previous, actor)


def _ticket_build(
    *,
    actor: Any,
    community: Any,
    type: str,
    channel: str,
    category: str,
    description: str,
    contact_name: str,
    contact_phone: str,
    urgency: str,
    house: Any,
    reporter: Any,
    location: str,
    occurred_at: datetime | None,
    expected_solution: str,
) -> tuple[Ticket, Ticket | None]:
    """Everything of a new ticket that needs no write: checks, due times, the earlier
    ticket it repeats. Done before the transaction so that the writer's lock (and the
    numbering row's) is held only for the inserts."""
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
    ticket = Ticket(
        company_id=community.company_id,
        community=community,
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
    )
    _set_due_times(ticket, now)
    # Related rows were checked by the caller (scoped lookups, house in community):
    # full_clean validates the values, not the foreign keys again.
    ticket.full_clean(
        exclude=["company", "number", "created_by", "community", "house", "reporter"],
        validate_constraints=False,
    )
    previous = _find_repeat(ticket)
    if previous is not None:
        ticket.is_repeat = True
        ticket.repeat_of = previous
        ticket.escalated = True
        ticket.escalation_level = max(ticket.escalation_level, 1)
    return ticket, previous


def _draw_number(ticket: Ticket) -> str:
    community = ticket.community
    year = ticket.created_at.astimezone(ZoneInfo(community.timezone)).year
    return next_number(
        company_id=community.company_id, prefix=NUMBER_PREFIX[ticket.type], year=year
    )


def _ticket_write(ticket: Ticket, previous: Ticket | None, actor: Any) -> Ticket:
    """Number, insert and timeline of a built ticket; call inside a transaction."""
    community = ticket.community
    if not ticket.number:
        ticket.number = _draw_number(ticket)
    ticket.save(force_insert=True)
    _event(ticket, actor, EventKind.CREATED, to_status=Status.NEW)
    if previous is not None:
        _event(
            ticket,
            actor,
            EventKind.REPEAT,
            note=(
                f"{policy_for(community).repeat_window_days} 天内同一房屋同类问题重复反映"
                f"（上次 {previous.number}），已自动上报"
            ),
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
    now = timezone.now()
    fields: dict[str, Any] = {"accepted_at": now}
    if ticket.type == TicketType.COMPLAINT:
        fields["feedback_due_at"] = now + COMPLAINT_FEEDBACK
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.ACCEPTED,
        kind=EventKind.ACCEPTED,
        note=note,
        fields=fields,
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
    now = timezone.now()
    return _move(
        ticket=ticket,
        actor=actor,
        to=Status.RESOLVED,
        kind=EventKind.RESOLVED,
        note=note,
        fields={
            "resolution": resolution.strip(),
            "resolved_at": now,
            "visit_due_at": _visit_due(ticket, now),
            "paused_at": None,
            "pause_reason": "",
        },
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
    due_fields = _set_due_times(locked, locked.created_at)
    locked.save(update_fields=["urgency", *due_fields])
    _event(
        locked, actor, EventKind.URGENCY, note=reason, **{"from": before, "to": urgency}
    )
    return locked


@transaction.atomic
def ticket_comment(*, ticket: Ticket, actor: Any, note: str) -> TicketEvent:
    """A note on the timeline (a call from the owner, a progress remark); no change."""
    _require(actor, "servicedesk.view", ticket.community_id)
    if not (note or "").strip():
        raise ValidationFailed("请填写备注内容", fields={"note": ["必填"]})
    return _event(ticket, actor, EventKind.COMMENT, note=note.strip())


def visit_required(ticket: Ticket) -> bool:
    """Every complaint and emergency is visited; repairs per community policy."""
    if ticket.type == TicketType.COMPLAINT or ticket.urgency == Urgency.EMERGENCY:
        return True
    return (
        ticket.type == TicketType.REPAIR and policy_for(ticket.community).visit_repairs
    )


def _visit_due(ticket: Ticket, resolved_at: datetime) -> datetime | None:
    if not visit_required(ticket):
        return None
    return resolved_at + timedelta(
        hours=policy_for(ticket.community).visit_within_hours
    )


PAUSABLE_CLOCKS = ("ack_due_at", "onsite_due_at", "resolve_due_at")


@transaction.atomic
def ticket_pause(*, ticket: Ticket, actor: Any, reason: str, note: str = "") -> Ticket:
    """Stop the SLA clocks while the ticket waits on the owner or on parts."""
    _require(actor, "servicedesk.view", ticket.community_id)
    if reason not in PauseReason.values:
        raise ValidationFailed("请选择暂停原因", fields={"reason": ["无效"]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status not in OPEN_STATUSES or locked.paused_at is not None:
        raise InvalidTransition(
            "只有进行中且未暂停的工单可以暂停计时", code="ticket_invalid_transition"
        )
    if not _is_handler(locked, actor) and not actor.has_role_perm("servicedesk.change"):
        raise PermissionDenied(
            "只有责任人或客服可以暂停计时", code="ticket_not_assignee"
        )
    locked.paused_at = timezone.now()
    locked.pause_reason = reason
    locked.save(update_fields=["paused_at", "pause_reason"])
    _event(locked, actor, EventKind.PAUSED, note=note, reason=reason)
    return locked


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor: Any, note: str = "") -> Ticket:
    """Restart the clocks: each due time gets back the time it had left at the pause."""
    _require(actor, "servicedesk.view", ticket.community_id)
    locked = (
        Ticket.objects.select_for_update().select_related("community").get(pk=ticket.pk)
    )
    if locked.paused_at is None:
        raise InvalidTransition("工单未暂停计时", code="ticket_invalid_transition")
    now = timezone.now()
    clock = clock_for(locked)
    for name in PAUSABLE_CLOCKS:
        due = getattr(locked, name)
        if due is not None:
            setattr(
                locked,
                name,
                shift_for_pause(
                    clock, due=due, paused_at=locked.paused_at, resumed_at=now
                ),
            )
    paused_for = now - locked.paused_at
    locked.paused_at = None
    locked.pause_reason = ""
    locked.save(update_fields=[*PAUSABLE_CLOCKS, "paused_at", "pause_reason"])
    _event(
        locked,
        actor,
        EventKind.RESUMED,
        note=note,
        paused_minutes=int(paused_for.total_seconds() // 60),
    )
    return locked


@transaction.atomic
def ticket_feedback(*, ticket: Ticket, actor: Any, note: str) -> Ticket:
    """Record that the owner was told the progress (the complaint two-hour promise)."""
    _require(actor, "servicedesk.change", ticket.community_id)
    if not (note or "").strip():
        raise ValidationFailed("请填写反馈内容", fields={"note": ["必填"]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.feedback_at is None:
        locked.feedback_at = timezone.now()
        locked.save(update_fields=["feedback_at"])
    _event(locked, actor, EventKind.FEEDBACK, note=note.strip())
    return locked


@transaction.atomic
def visit_record(
    *,
    ticket: Ticket,
    actor: Any,
    method: str,
    satisfaction: int,
    content: str = "",
    owner_feedback: str = "",
    problems_found: str = "",
    improvement_measures: str = "",
) -> ReturnVisit:
    """Record the return visit. Satisfied → closed; satisfaction ≤ 2 → reopened."""
    if actor.is_owner_account:
        if ticket.house_id not in actor.owned_house_ids():
            raise NotFound("工单不存在或无权访问", code="ticket_not_found")
        method = VisitMethod.PORTAL
    else:
        _require(actor, "servicedesk.change", ticket.community_id)
    errors: dict[str, list[str]] = {}
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        errors["satisfaction"] = ["满意度须为 1–5 分"]
    if method not in VisitMethod.values:
        errors["method"] = ["无效的回访方式"]
    if errors:
        raise ValidationFailed("回访信息有误", fields=errors)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status != Status.RESOLVED:
        raise InvalidTransition(
            "只有已办结待回访的工单可以回访", code="ticket_invalid_transition"
        )
    visit = ReturnVisit.objects.create(
        ticket=locked,
        visitor=actor,
        method=method,
        satisfaction=satisfaction,
        content=content,
        owner_feedback=owner_feedback,
        problems_found=problems_found,
        improvement_measures=improvement_measures,
    )
    _event(
        locked,
        actor,
        EventKind.VISITED,
        note=owner_feedback or content,
        satisfaction=satisfaction,
        method=method,
    )
    if satisfaction <= LOW_SATISFACTION:
        _move(
            ticket=locked,
            actor=actor,
            to=Status.IN_PROGRESS,
            kind=EventKind.REOPENED,
            note=f"回访满意度 {satisfaction} 分，重新处理：{owner_feedback}".strip(
                "："
            ),
            fields={"reopen_count": locked.reopen_count + 1, "resolved_at": None},
        )
    else:
        _move(
            ticket=locked,
            actor=actor,
            to=Status.CLOSED,
            kind=EventKind.CLOSED,
            note="回访完成",
            fields={"closed_at": timezone.now()},
        )
    return visit


@transaction.atomic
def compensation_request(
    *, ticket: Ticket, actor: Any, amount: Decimal, reason: str
) -> Compensation:
    """Propose a compensation on a complaint; a supervisor approves it."""
    _require(actor, "servicedesk.change", ticket.community_id)
    errors: dict[str, list[str]] = {}
    if ticket.type != TicketType.COMPLAINT:
        errors["ticket"] = ["只有投诉工单可以登记补偿"]
    if ticket.house_id is None:
        errors["house"] = ["工单未关联房屋，无法补偿"]
    if not isinstance(amount, Decimal) or amount <= 0:
        errors["amount"] = ["金额须为正数"]
    if not (reason or "").strip():
        errors["reason"] = ["请填写补偿原因"]
    if errors:
        raise ValidationFailed("补偿信息有误", fields=errors)
    comp = Compensation.objects.create(
        ticket=ticket,
        community_id=ticket.community_id,
        house_id=ticket.house_id,
        amount=money(amount),
        reason=reason.strip(),
        requested_by=actor,
    )
    _event(
        ticket,
        actor,
        EventKind.COMPENSATION,
        note=f"申请补偿 {comp.amount} 元：{comp.reason}",
    )
    return comp


@transaction.atomic
def compensation_decide(
    *, compensation: Compensation, actor: Any, approve: bool, note: str = ""
) -> Compensation:
    """A supervisor approves or rejects; only approved ones reach billing."""
    _require(actor, "servicedesk.approve", compensation.community_id)
    locked = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if locked.status != CompensationStatus.REQUESTED:
        raise InvalidTransition("该补偿已审批", code="compensation_already_decided")
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied(
            "不能审批自己申请的补偿", code="compensation_self_approval"
        )
    locked.status = (
        CompensationStatus.APPROVED if approve else CompensationStatus.REJECTED
    )
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note[:200]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    verb = "批准" if approve else "驳回"
    _event(
        locked.ticket,
        actor,
        EventKind.COMPENSATION,
        note=f"{verb}补偿 {locked.amount} 元 {note}",
    )
    return locked


def compensations_for_billing(*, community_id: int) -> QuerySet[Compensation]:
    """Approved compensations not yet credited on a bill (billing consumes these)."""
    return Compensation.objects.filter(
        community_id=community_id, status=CompensationStatus.APPROVED, billed_ref=""
    ).select_related("house", "ticket")


@transaction.atomic
def compensation_mark_billed(
    *, compensation: Compensation, billed_ref: str
) -> Compensation:
    """Billing records which credit line consumed the compensation (once)."""
    locked = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if locked.status != CompensationStatus.APPROVED or locked.billed_ref:
        raise InvalidTransition("补偿未批准或已入账", code="compensation_not_billable")
    locked.billed_ref = billed_ref[:60]
    locked.save(update_fields=["billed_ref"])
    return locked


RECORD_FIELDS = (
    "handling_steps",
    "preventive_measures",
    "location",
    "expected_solution",
)


@transaction.atomic
def ticket_record(*, ticket: Ticket, actor: Any, **fields: str) -> Ticket:
    """Fill the complaint record: handling steps, follow-up/preventive measures, place."""
    _require(actor, "servicedesk.view", ticket.community_id)
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ValidationFailed(
            "不可修改的字段", fields={k: ["不可修改"] for k in unknown}
        )
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            "已关闭或已撤销的工单不能修改", code="ticket_invalid_transition"
        )
    if not _is_handler(locked, actor) and not actor.has_role_perm("servicedesk.change"):
        raise PermissionDenied(
            "只有责任人或客服可以填写处理记录", code="ticket_not_assignee"
        )
    changed = {
        k: v.strip() for k, v in fields.items() if getattr(locked, k) != v.strip()
    }
    for key, value in changed.items():
        setattr(locked, key, value)
    if changed:
        locked.save(update_fields=list(changed))
        _event(
            locked,
            actor,
            EventKind.COMMENT,
            note="更新处理记录",
            fields=sorted(changed),
        )
    return locked


# --- Attachments (photos) ---------------------------------------------------------------

ATTACHMENT_DIR = "ticket-photos"


def _may_attach(actor: Any, ticket: Ticket) -> None:
    """Owners: their own houses' tickets; staff: the assignee, dispatchers and agents."""
    if getattr(actor, "is_owner_account", False):
        if ticket.house_id is None or ticket.house_id not in actor.owned_house_ids():
            raise NotFound("工单不存在或无权访问", code="ticket_not_found")
        return
    _require(actor, "servicedesk.view", ticket.community_id)
    if not _is_handler(ticket, actor) and not actor.has_role_perm("servicedesk.change"):
        raise PermissionDenied(
            "只有责任人或客服可以上传照片", code="ticket_not_assignee"
        )


def _file_name(file: Any) -> str:
    name = str(getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[:255] or "photo"


def photos_check(
    files: Sequence[IO[bytes]], *, existing: int
) -> list[tuple[str, Photo]]:
    """Check every photo of one submission before anything is stored.

    Each must be a JPEG, PNG, GIF or WEBP picture (by content) that decodes, within
    ANJU_MAX_PHOTO_BYTES; a ticket holds at most MAX_ATTACHMENTS_PER_TICKET photos.
    One refusal refuses the whole submission; the code is that of the first bad photo.
    """
    if not files:
        raise ValidationFailed(
            "请选择照片", code="attachment_missing", fields={"photos": ["请选择照片"]}
        )
    _check_room(existing=existing, adding=len(files))
    checked: list[tuple[str, Photo]] = []
    errors: list[str] = []
    code = ""
    for file in files:
        name = _file_name(file)
        try:
            checked.append(
                (name, photo_prepare(file, max_bytes=settings.ANJU_MAX_PHOTO_BYTES))
            )
        except ValidationFailed as exc:
            errors.append(f"「{name}」{exc.message}")
            code = code or exc.code
    if errors:
        raise ValidationFailed(
            "照片有误，本次提交未保存：" + "；".join(errors),
            code=code,
            fields={"photos": errors},
        )
    return checked


def _check_room(*, existing: int, adding: int) -> None:
    if existing + adding > MAX_ATTACHMENTS_PER_TICKET:
        left = max(0, MAX_ATTACHMENTS_PER_TICKET - existing)
        reason = f"每张工单最多 {MAX_ATTACHMENTS_PER_TICKET} 张照片，还可上传 {left} 张"
        raise ValidationFailed(
            reason, code="attachment_limit_reached", fields={"photos": [reason]}
        )


def _attachments_store(
    *, ticket: Ticket, actor: Any, photos: list[tuple[str, Photo]]
) -> list[TicketAttachment]:
    """Write the files, then the rows and one timeline event; on any failure the files
    written so far are removed, so no file is left without its row."""
    stored: list[str] = []
    try:
        rows = []
        now = timezone.now()
        for name, photo in photos:
            base = f"{ATTACHMENT_DIR}/{now:%Y/%m}/{uuid.uuid4().hex}"
            stored.append(
                default_storage.save(base + photo.extension, ContentFile(photo.content))
            )
            stored.append(
                default_storage.save(base + "_thumb.jpg", ContentFile(photo.thumbnail))
            )
            rows.append(
                TicketAttachment.objects.create(
                    ticket=ticket,
                    uploaded_by=actor,
                    created_at=now,
                    original_name=name,
                    stored_name=stored[-2],
                    thumbnail_name=stored[-1],
                    content_type=photo.content_type,
                    size=len(photo.content),
                    width=photo.width,
                    height=photo.height,
                )
            )
        _event(
            ticket,
            actor,
            EventKind.ATTACHMENT,
            note=f"{len(rows)} 张：" + "、".join(r.original_name for r in rows),
            attachments=[r.pk for r in rows],
        )
    except BaseException:
        for stored_name in stored:
            default_storage.delete(stored_name)
        raise
    return rows


def attachments_add(
    *, actor: Any, ticket: Ticket, files: Sequence[IO[bytes]]
) -> list[TicketAttachment]:
    """Add photos to a ticket, all or none, with one timeline event."""
    current = Ticket.objects.get(pk=ticket.pk)  # the assignee as it is now
    _may_attach(actor, current)
    _check_live(current)
    # decoded before the transaction: a writer's lock is not held while pictures decode
    photos = photos_check(files, existing=current.attachments.count())
    rows: list[TicketAttachment] = []
    try:
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            _check_live(locked)
            _check_room(existing=locked.attachments.count(), adding=len(photos))
            rows = _attachments_store(ticket=locked, actor=actor, photos=photos)
    except BaseException:
        attachment_files_delete(rows)  # the commit failed after the files were written
        raise
    return rows


def attachment_files_delete(rows: Sequence[TicketAttachment]) -> None:
    """Remove the files of rows that were never committed."""
    for row in rows:
        default_storage.delete(row.stored_name)
        default_storage.delete(row.thumbnail_name)


def _check_live(ticket: Ticket) -> None:
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            "已关闭或已撤销的工单不能添加照片", code="ticket_invalid_transition"
        )


def attachment_add(*, actor: Any, ticket: Ticket, file: IO[bytes]) -> TicketAttachment:
    """Add one photo to a ticket (see `attachments_add`)."""
    return attachments_add(actor=actor, ticket=ticket, files=[file])[0]
