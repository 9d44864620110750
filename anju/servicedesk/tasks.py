"""Periodic service-desk jobs."""

from __future__ import annotations

from celery import shared_task

from .breaches import scan_breaches


@shared_task(acks_late=True, ignore_result=True)
def scan_sla_breaches() -> dict[str, int]:
    """Every minute: mark SLA breaches once and escalate along the chain."""
    return scan_breaches()
