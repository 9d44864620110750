"""Reads shared by the workbench pages and the API: queues, ticket page, 360° view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import OPEN_STATUSES, Status
from .models import Ticket


class Queue:
    UNASSIGNED = "unassigned"
    MINE = "mine"
    TEAM = "team"
    OVERDUE = "overdue"
    AWAITING_VISIT = "visit"
    ESCALATED = "escalated"
    ALL = "all"


QUEUE_LABELS = {
    Queue.UNASSIGNED: "待派单",
    Queue.MINE: "我的工单",
    Queue.TEAM: "团队工单",
    Queue.OVERDUE: "已超时",
    Queue.AWAITING_VISIT: "待回访",
    Queue.ESCALATED: "已上报",
    Queue.ALL: "全部",
}


def overdue_q(now: datetime) -> Q:
    """A running clock has passed its due time (paused tickets are not overdue).

    The outer status filter repeats what the branches imply so that the database
    reaches the few open tickets through the (community, status) index instead of
    testing every ticket of the community."""
    return Q(paused_at__isnull=True, status__in=(*OPEN_STATUSES, Status.RESOLVED)) & (
        Q(status=Status.NEW, ack_due_at__lt=now)
        | Q(
            status__in=(Status.NEW, Status.ACCEPTED, Status.ASSIGNED),
            onsite_due_at__lt=now,
        )
        | Q(status__in=OPEN_STATUSES, resolve_due_at__lt=now)
        | Q(status=Status.RESOLVED, visit_due_at__lt=now)
    )


# Every work queue (all but ALL) holds only open or resolved tickets.
WORK_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)


def _queue_q(queue: str, user: Any, now: datetime) -> Q:
    """The condition of a queue (ALL: none)."""
    if queue == Queue.UNASSIGNED:
        return Q(status__in=(Status.NEW, Status.ACCEPTED), assignee__isnull=True)
    if queue == Queue.MINE:
        return Q(assignee=user, status__in=WORK_STATUSES)
    if queue == Queue.TEAM:
        return Q(status__in=OPEN_STATUSES, assignee__isnull=False) & ~Q(assignee=user)
    if queue == Queue.OVERDUE:
        return overdue_q(now)
    if queue == Queue.AWAITING_VISIT:
        return Q(status=Status.RESOLVED)
    if queue == Queue.ESCALATED:
        return Q(escalated=True, status__in=WORK_STATUSES)
    return Q()


def ticket_queue(
    *,
    user: Any,
    queue: str = Queue.ALL,
    community_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Ticket]:
    """One of the workbench queues, scoped to what the user may see."""
    qs = (
        Ticket.objects.visible_to(user)
        .in_community(community_id)
        .filter(_queue_q(queue, user, now or timezone.now()))
    )
    if queue == Queue.AWAITING_VISIT:
        qs = qs.order_by("visit_due_at", "id")
    return qs.select_related("community", "house", "assignee")


def queue_counts(
    *, user: Any, community_id: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """The size of every work queue in one pass over the open and resolved tickets
    (the backlog, reached through the status index), instead of a count per tab."""
    now = now or timezone.now()
    work = [q for q in QUEUE_LABELS if q != Queue.ALL]
    return (
        Ticket.objects.visible_to(user)
        .in_community(community_id)
        .filter(status__in=WORK_STATUSES)
        .aggregate(**{q: Count("pk", filter=_queue_q(q, user, now)) for q in work})
    )


def ticket_get(*, user: Any, pk: int) -> Ticket:
    """A ticket the user may see, with what its page shows (404 otherwise)."""
    return get_object_or_404(
        Ticket.objects.visible_to(user).select_related(
            "community", "house", "assignee", "reporter", "repeat_of", "created_by"
        ),
        pk=pk,
    )


def ticket_timeline(*, ticket: Ticket) -> QuerySet:
    return ticket.events.select_related("actor").order_by("created_at", "id")


def house_recent_tickets(
    *, user: Any, house_id: int, limit: int = 10
) -> QuerySet[Ticket]:
    """Recent tickets of a house, shown beside the intake form and on the 360° view."""
    return (
        Ticket.objects.visible_to(user)
        .filter(house_id=house_id)
        .select_related("assignee")
        .order_by("-created_at")[:limit]
    )
