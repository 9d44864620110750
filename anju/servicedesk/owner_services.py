"""Writes an owner makes from the portal; each checks the owner's own houses first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction

from anju.core.errors import NotFound, PermissionDenied, ValidationFailed

from .choices import Channel, TicketType, Urgency
from .models import Ticket, TicketAttachment
from .services import (
    _attachments_store,
    _ticket_insert,
    attachment_files_delete,
    photos_check,
)

# What an owner may report from the portal (DOMAIN §10): every ticket type.
OWNER_TYPES = (
    TicketType.REPAIR,
    TicketType.COMPLAINT,
    TicketType.CONSULT,
    TicketType.SUGGESTION,
    TicketType.PRAISE,
)


def ticket_submit_by_owner(
    *,
    actor: Any,
    house: Any,
    type: str,
    category: str,
    description: str,
    contact_name: str,
    contact_phone: str = "",
    location: str = "",
    expected_solution: str = "",
    urgency: str = Urgency.NORMAL,
    photos: Sequence[IO[bytes]] = (),
) -> Ticket:
    """An owner reports a matter about one of their houses (channel: portal).

    The staff rules then apply unchanged: numbering, SLA clocks, repeat detection.
    `photos` (taken with the phone) are checked first: one bad photo refuses it all.
    """
    if not getattr(actor, "is_owner_account", False):
        raise PermissionDenied("仅业主账号可在业主端报事", code="ticket_owner_only")
    if house is None or house.pk not in actor.owned_house_ids():
        raise NotFound("房屋不存在或无权访问", code="house_not_found")
    if type not in OWNER_TYPES:
        raise ValidationFailed("请选择报事类型", fields={"type": ["无效"]})
    checked = photos_check(photos, existing=0) if photos else []
    person = house.residents.filter(person__user=actor, active=True).first()
    rows: list[TicketAttachment] = []
    try:
        with transaction.atomic():
            ticket = _ticket_insert(
                actor=actor,
                community=house.community,
                type=type,
                channel=Channel.PORTAL,
                category=category,
                description=description,
                contact_name=contact_name,
                contact_phone=contact_phone,
                urgency=urgency,
                house=house,
                reporter=person.person if person else None,
                location=location,
                occurred_at=None,
                expected_solution=expected_solution,
            )
            if checked:
                rows = _attachments_store(ticket=ticket, actor=actor, photos=checked)
    except BaseException:
        attachment_files_delete(rows)  # the commit failed after the files were written
        raise
    return ticket
