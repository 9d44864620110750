"""Notification jobs: send one delivery, release what quiet hours held, probe the queue."""

from __future__ import annotations

import os
import time

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from anju.celery import app

from . import services
from .models import QueueProbe

# Registered here so the notification centre needs no edit elsewhere to be scheduled.
app.conf.beat_schedule.setdefault(
    "notifications-release-held",
    {"task": "anju.notifications.tasks.release_held_deliveries", "schedule": 300.0},
)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the delivery row counts attempts (ANJU_NOTIFY_MAX_ATTEMPTS)
)
def deliver(self, delivery_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Send one delivery once; on a provider error retry later with backoff."""
    while True:
        outcome = services.delivery_send(delivery_id=delivery_id)
        if outcome.retry_in is None:
            return outcome.sent
        if not self.request.is_eager:
            raise self.retry(countdown=outcome.retry_in)
        # in-process mode (no REDIS_URL) has no broker to wait on: try again now;
        # the attempt count on the row bounds the loop


@shared_task(acks_late=True, ignore_result=True)
def release_held_deliveries() -> int:
    """Every five minutes: queue the messages held over quiet hours whose time has come."""
    return services.deliveries_release_held()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def queue_probe(key: str, linger_first: float = 0.0) -> bool:
    """Operators and the real-queue tests send this to prove a worker runs jobs.

    Each run is counted with the worker's pid; the one effect is a check-and-set (only
    the first run's UPDATE matches). The first run may linger after its effect, before
    the acknowledgement: the window in which a killed worker leaves the job unacked and
    the broker hands it to another worker.
    """
    QueueProbe.objects.filter(key=key).update(
        attempts=F("attempts") + 1, started_at=timezone.now(), worker_pid=os.getpid()
    )
    done = QueueProbe.objects.filter(key=key, done_at__isnull=True).update(
        done_at=timezone.now(), effects=F("effects") + 1
    )
    if linger_first and QueueProbe.objects.filter(key=key, attempts=1).exists():
        time.sleep(linger_first)
    QueueProbe.objects.filter(key=key).update(finished_at=timezone.now())
    return bool(done)
