"""The SLA breach scan: find clocks that ran out, mark each once, escalate along the chain.

Runs every minute (celery beat). Set-based: one query per clock to find new breaches,
bulk inserts for breach rows and timeline events, one UPDATE per escalation level. The
unique (ticket, clock) constraint makes a rerun or a concurrent run harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta
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
    """Raise each still-running breach to the chain level its age has reached."""
    total = 0
    custom = set(
        EscalationStep.objects.values_list("community_id", flat=True).distinct()
    )
    for community_id in custom | {None}:
        for level, _role, title, after in _chain(community_id):
            due = SLABreach.objects.filter(
                escalation_level__lt=level, due_at__lte=now - timedelta(minutes=after)
            )
            if community_id is None:
                due = due.exclude(community_id__in=[c for c in custom if c])
            else:
                due = due.filter(community_id=community_id)
            pairs: list[tuple[int, int]] = []
            for clock, (_field, running) in CLOCKS.items():
                lookups = {f"ticket__{k}": v for k, v in running.items()}
                pairs += due.filter(clock=clock, **lookups).values_list(
                    "pk", "ticket_id"
                )
            if not pairs:
                continue
            SLABreach.objects.filter(pk__in=[p for p, _ in pairs]).update(
                escalation_level=level
            )
            # Only tickets that climb get an event; a second clock breaching at a level
            # the ticket already reached is not news.
            climbing = Ticket.objects.filter(
                pk__in={t for _, t in pairs}, escalation_level__lt=level
            )
            ticket_ids = sorted(climbing.values_list("pk", flat=True))
            Ticket.objects.filter(pk__in=ticket_ids).update(
                escalated=True, escalation_level=level
            )
            TicketEvent.objects.bulk_create(
                [
                    TicketEvent(
                        ticket_id=t,
                        kind=EventKind.ESCALATED,
                        note=f"超时自动升级至第 {level} 级：{title}",
                        data={"level": level, "auto": True},
                    )
                    for t in ticket_ids
                ],
                batch_size=1000,
            )
            total += len(pairs)
    return total


def notify_breaches(*, ticket_ids: list[int]) -> None:
    """Tell the responsible person and the supervisors (hook for the notification centre)."""
    from . import notify

    notify.breaches(ticket_ids=ticket_ids)
