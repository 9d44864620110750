"""Periodic billing jobs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from .latefees import late_fee_communities, late_fees_assess


@shared_task(acks_late=True, ignore_result=True)
def assess_late_fees(as_of: str | None = None) -> dict[str, Any]:
    """Monthly, on the 1st: late fees up to the last day of the previous month, in every
    community whose contract provides them. Idempotent per line and day, so a retried
    or doubled job charges nothing twice."""
    day = (
        date.fromisoformat(as_of)
        if as_of
        else timezone.localdate().replace(day=1) - timedelta(days=1)
    )
    lines = 0
    for community in late_fee_communities():
        lines += late_fees_assess(community=community, as_of=day).line_count
    return {"as_of": day.isoformat(), "lines": lines}
