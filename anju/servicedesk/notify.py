"""Who hears about service-desk events. The notification centre (inbox, email, SMS,
WeChat) delivers through this module; until it lands, breaches are logged for operators."""

from __future__ import annotations

import logging

from .models import Ticket

log = logging.getLogger("anju.servicedesk")


def breaches(*, ticket_ids: list[int]) -> None:
    """Tell the responsible person and the supervisor that a clock ran out."""
    for number, assignee in Ticket.objects.filter(pk__in=ticket_ids).values_list(
        "number", "assignee__username"
    ):
        log.warning(
            "SLA breach on %s (responsible: %s)", number, assignee or "unassigned"
        )
