"""Background jobs of dunning; each calls a service and is idempotent."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_promises() -> dict[str, int]:
    """Promises to pay whose day has passed: kept, or the case comes back (hourly)."""
    result = services.promises_check()
    return {"kept": result.kept, "broken": result.broken}
