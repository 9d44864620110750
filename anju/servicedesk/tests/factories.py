"""Tickets made through the service, so numbering, SLA and events are real."""

from __future__ import annotations

from typing import Any

from anju.servicedesk.choices import Category, Channel, TicketType, Urgency
from anju.servicedesk.models import Ticket
from anju.servicedesk.services import ticket_create


def make_ticket(*, actor: Any, house: Any, **overrides: Any) -> Ticket:
    fields: dict[str, Any] = {
        "community": house.community,
        "house": house,
        "type": TicketType.REPAIR,
        "channel": Channel.PHONE,
        "category": Category.PLUMBING,
        "urgency": Urgency.NORMAL,
        "description": "厨房水龙头漏水",
        "contact_name": "张三",
        "contact_phone": "13812341234",
    }
    fields.update(overrides)
    return ticket_create(actor=actor, **fields)
