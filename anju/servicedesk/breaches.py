"""The SLA breach scan: find clocks that ran out, mark each once, escalate along the chain.

Runs every minute (celery beat). Set-based: one query per clock to find new breaches and
one per clock to read the running ones for escalation, bulk inserts for breach rows and
timeline events, one UPDATE per escalation level reached. The unique (ticket, clock)
constraint makes a rerun or a concurrent run harmless.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .choices import (
    DEFAULT_ESCALATION,
    OPEN_STATUSES,
    EventKind,
    SLAClock,
    Status,
    TicketType,
)
from .models import EscalationStep, SLABreach, Ticket, TicketEvent

# clock → (due-time field, ticket lookups meaning "this clock is still running")
CLOCKS: dict[str, tuple[str, dict[str, Any]]] = {
    SLAClock.ACK: ("ack_due_at", {"status": Status.NEW}),
    SLAClock.ONSITE: (
        "onsite_due_at",
        {"status__in": (Status.NEW, Status.ACCEPTED, Status.ASSIGNED)},
    ),
    SLAClock.RESOLVE: ("resolve_due_at", {"status__in": OPEN_STATUSES}),
    SLAClock.FEEDBACK: (
        "feedback_due_at",
        {
            "type": TicketType.COMPLAINT,
            "feedback_at__isnull": True,
            "status__in": OPEN_STATUSES,
        },
    ),
    SLAClock.VISIT: ("visit_due_at", {"status": Status.RESOLVED}),
}


def _chain(community_id: int | None) -> list[tuple[int, str, str, int]]:
    steps = list(
        EscalationStep.objects.filter(community_id=community_id).values_list(
            "level", "role", "title", "after_minutes"
        )
    )
    return steps or list(DEFAULT_ESCALATION)


@transaction.atomic
def scan_breaches(*, now: datetime | None = None) -> dict[str, int]:
    """Mark new breaches and escalate old ones. Returns counts for logging and tests."""
    now = now or timezone.now()
    found: dict[str, int] = {}
    new_breaches: list[SLABreach] = []
    for clock, (field, running) in CLOCKS.items():
        already = SLABreach.objects.filter(ticket=OuterRef("pk"), clock=clock)
        rows = (
            Ticket.objects.filter(
                paused_at__isnull=True, **running, **{f"{field}__lt": now}
            )
            .filter(~Exists(already))
            .order_by()  # no sort: the ticket ordering would make the planner walk dates
            .values_list("pk", "community_id", field)
        )
        batch = [
            SLABreach(
                ticket_id=pk, community_id=cid, clock=clock, due_at=due, detected_at=now
            )
            for pk, cid, due in rows
        ]
        found[clock] = len(batch)
        new_breaches.extend(batch)
    SLABreach.objects.bulk_create(new_breaches, batch_size=1000, ignore_conflicts=True)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=b.ticket_id,
                kind=EventKind.BREACH,
                note=f"{SLAClock(b.clock).label}超时（时限 {timezone.localtime(b.due_at):%m-%d %H:%M}）",
                data={"clock": b.clock},
            )
            for b in new_breaches
        ],
        batch_size=1000,
    )
    found["escalated"] = _escalate(now)
    if new_breaches:
        ids = sorted({b.ticket_id for b in new_breaches})
        transaction.on_commit(lambda: notify_breaches(ticket_ids=ids))
    return found


def _escalate(now: datetime) -> int:
    """Raise each still-running breach to the chain level its age has reached.

    One query per clock reads the running breaches below the top level (through the
    open tickets, so settled history is never read again); the level each should have
    is worked out here from its age and its community's chain; then one UPDATE per
    level that changed, and one timeline event per ticket that climbs (to the highest
    level it reached in this scan)."""
    custom = set(
        EscalationStep.objects.values_list("community_id", flat=True).distinct()
    )
    default = _chain(None)
    chains = {cid: _chain(cid) for cid in custom if cid}
    top = max(level for chain in [default, *chains.values()] for level, *_ in chain)
    rows: list[tuple[int, int, int, datetime, int, int]] = []
    for clock, (_field, running) in CLOCKS.items():
        lookups = {f"ticket__{k}": v for k, v in running.items()}
        rows += (
            SLABreach.objects.filter(clock=clock, escalation_level__lt=top, **lookups)
            .order_by()
            .values_list(
                "pk",
                "ticket_id",
                "community_id",
                "due_at",
                "escalation_level",
                "ticket__escalation_level",
            )
        )
    breaches_to: dict[int, list[int]] = defaultdict(list)
    tickets_to: dict[int, tuple[int, str]] = {}
    for pk, ticket_id, community_id, due_at, level, ticket_level in rows:
        age = (now - due_at).total_seconds() / 60
        reached = [
            (lvl, title)
            for lvl, _role, title, after in chains.get(community_id, default)
            if age >= after
        ]
        if not reached:
            continue
        target, title = max(reached)
        if target > level:
            breaches_to[target].append(pk)
        if target > ticket_level and target > tickets_to.get(ticket_id, (0, ""))[0]:
            tickets_to[ticket_id] = (target, title)
    for level, pks in breaches_to.items():
        for i in range(0, len(pks), 900):
            SLABreach.objects.filter(pk__in=pks[i : i + 900]).update(
                escalation_level=level
            )
    by_level: dict[int, list[int]] = defaultdict(list)
    for ticket_id, (level, _title) in tickets_to.items():
        by_level[level].append(ticket_id)
    for level, ids in by_level.items():
        for i in range(0, len(ids), 900):
            Ticket.objects.filter(pk__in=ids[i : i + 900]).update(
                escalated=True, escalation_level=level
            )
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=ticket_id,
                kind=EventKind.ESCALATED,
                note=f"超时自动升级至第 {level} 级：{title}",
                data={"level": level, "auto": True},
            )
            for ticket_id, (level, title) in sorted(tickets_to.items())
        ],
        batch_size=1000,
    )
    return sum(len(pks) for pks in breaches_to.values())


def notify_breaches(*, ticket_ids: list[int]) -> None:
    """Tell the responsible person and the supervisors (hook for the notification centre)."""
    from . import notify

    notify.breaches(ticket_ids=ticket_ids)
