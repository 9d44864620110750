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


# Above this many breached tickets for one person in one scan (a catch-up after
# downtime, a storm of pipe bursts), they get one digest per community instead.
DIGEST_AFTER = 10
DIGEST_LISTS = 20


def breaches(*, ticket_ids: list[int]) -> None:
    """Tell the responsible person and the community's supervisors that a clock ran out:
    in their inbox, and by email where they have an address. Someone with more than
    `DIGEST_AFTER` tickets in one scan gets a digest per community instead."""
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
    tickets = [t for t in tickets if latest.get(t.pk)]
    audience = {
        t.pk: [
            u
            for u in {
                u.pk: u
                for u in [t.assignee, *supervisors.get(t.community_id, [])]
                if u is not None and u.is_active
            }.values()
        ]
        for t in tickets
    }
    load: dict[int, int] = defaultdict(int)
    for people in audience.values():
        for user in people:
            load[user.pk] += 1
    digests: dict[tuple[int, int], list[Ticket]] = defaultdict(list)
    users: dict[int, User] = {}
    for ticket in tickets:
        found = latest[ticket.pk]
        one_by_one = []
        for user in audience[ticket.pk]:
            if load[user.pk] > DIGEST_AFTER:
                digests[(user.pk, ticket.community_id)].append(ticket)
                users[user.pk] = user
            else:
                one_by_one.append(user)
        if not one_by_one:
            continue
        assignee = ticket.assignee
        notify(
            event="sla_breach",
            recipients=one_by_one,
            context={
                "number": ticket.number,
                "clock": "、".join(str(SLAClock(b.clock).label) for b in found),
                "category": ticket.category_label,
                "due": f"{found[0].due_at.astimezone(ZoneInfo(ticket.community.timezone)):%m-%d %H:%M}",
                "assignee": str(assignee) if assignee else "",
                "community": ticket.community.name,
                "description": ticket.description[:60],
            },
            community=ticket.community,
            urgent=ticket.urgency in URGENT_LEVELS,
            channels=["inbox", "email"],
        )
    for (user_id, _community_id), group in digests.items():
        community = group[0].community
        notify(
            event="sla_breach_digest",
            recipients=[users[user_id]],
            context={
                "community": community.name,
                "count": len(group),
                "numbers": "、".join(t.number for t in group[:DIGEST_LISTS]),
                "more": len(group) > DIGEST_LISTS,
            },
            community=community,
            urgent=any(t.urgency in URGENT_LEVELS for t in group),
            channels=["inbox", "email"],
        )
