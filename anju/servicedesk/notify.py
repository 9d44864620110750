"""Who hears about service-desk events, through the notification centre
(anju.notifications: inbox, email, SMS, WeChat, quiet hours, delivery log)."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from anju.accounts.choices import AccountKind, Role
from anju.accounts.models import User
from anju.notifications.services import notify

from .choices import SLAClock, Urgency
from .models import SLABreach, Ticket

# An emergency or rush ticket cannot wait for the morning; the rest respect quiet hours.
URGENT_LEVELS = (Urgency.EMERGENCY, Urgency.URGENT)


def _supervisors(community_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    rows = User.objects.filter(
        kind=AccountKind.STAFF,
        role=Role.SUPERVISOR,
        is_active=True,
        communities__in=community_ids,
    ).prefetch_related("communities")
    for user in rows.distinct():
        for community in user.communities.all():
            if community.pk in community_ids:
                found[community.pk].append(user)
    return found


def breaches(*, ticket_ids: list[int]) -> None:
    """Tell the responsible person and the community's supervisors that a clock ran out:
    in their inbox, and by email where they have an address."""
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids).select_related("community", "assignee")
    )
    latest: dict[int, list[SLABreach]] = defaultdict(list)
    for breach in SLABreach.objects.filter(ticket_id__in=ticket_ids).order_by(
        "ticket_id", "-detected_at", "due_at"
    ):
        newest = latest[breach.ticket_id]
        if not newest or breach.detected_at == newest[0].detected_at:
            newest.append(breach)
    supervisors = _supervisors({t.community_id for t in tickets})
    for ticket in tickets:
        found = latest.get(ticket.pk)
        if not found:
            continue
        assignee = ticket.assignee
        notify(
            event="sla_breach",
            recipients=[assignee, *supervisors.get(ticket.community_id, [])],
            context={
                "number": ticket.number,
                "clock": "、".join(str(SLAClock(b.clock).label) for b in found),
                "category": ticket.get_category_display(),
                "due": f"{found[0].due_at.astimezone(ZoneInfo(ticket.community.timezone)):%m-%d %H:%M}",
                "assignee": str(assignee) if assignee else "",
                "community": ticket.community.name,
                "description": ticket.description[:60],
            },
            community=ticket.community,
            urgent=ticket.urgency in URGENT_LEVELS,
            channels=["inbox", "email"],
        )
