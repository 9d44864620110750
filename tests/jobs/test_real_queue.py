"""Jobs through the real Redis broker to real Celery worker processes."""

from __future__ import annotations

import signal

import pytest

from anju.accounts.tests.factories import StaffFactory
from anju.notifications.choices import DeliveryStatus
from anju.notifications.models import Delivery, Notification, QueueProbe

from .conftest import wait_for

pytestmark = [pytest.mark.jobs, pytest.mark.django_db(transaction=True)]

DELIVER = "anju.notifications.tasks.deliver"
PROBE = "anju.notifications.tasks.queue_probe"
# a worker starts in a few seconds; on a loaded machine it has taken over a minute
STARTUP = 240


def _probe(key: str) -> QueueProbe:
    return QueueProbe.objects.get(key=key)


def test_a_delivery_sent_through_the_broker_is_sent_once_by_the_worker(workers):
    # given a queued SMS committed to the database the worker shares
    user = StaffFactory(username="jobs-sms", phone="13900002222")
    note = Notification.objects.create(
        recipient=user, event="announcement", title="停水通知", body="明日停水"
    )
    sms = Delivery.objects.create(
        notification=note,
        channel="sms",
        address="13900002222",
        body="【安居物业】停水通知：明日停水",
    )
    QueueProbe.objects.create(key="after-deliveries")
    workers.start()
    # when the job is sent twice through Redis, then a marker job behind it
    workers.send(DELIVER, sms.pk)
    workers.send(DELIVER, sms.pk)
    workers.send(PROBE, "after-deliveries")
    # then the worker has sent the SMS, once, before it got to the marker
    wait_for(
        lambda: _probe("after-deliveries").finished_at is not None,
        timeout=STARTUP,
        what="the worker to run the three jobs",
        workers=workers,
    )
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    assert sms.attempts == 1
    assert sms.provider_message_id.startswith("console-")
    assert [h["ok"] for h in sms.history] == [True]


def test_a_job_whose_worker_is_killed_is_redelivered_without_a_second_effect(workers):
    # given two workers on the queue, and a job that makes its effect, then lingers
    # (first run only) before it is acknowledged
    QueueProbe.objects.create(key="crash")
    started = {p.pid: p for p in (workers.start(), workers.start())}
    workers.send(PROBE, "crash", 120.0)
    wait_for(
        lambda: _probe("crash").effects == 1,
        timeout=STARTUP,
        what="a worker to make the effect",
        workers=workers,
    )
    # when the worker running it is killed mid-job: no ack reaches Redis
    runner = started.pop(_probe("crash").worker_pid)
    runner.send_signal(signal.SIGKILL)
    runner.wait(timeout=10)
    assert _probe("crash").finished_at is None
    # then after the visibility timeout Redis hands the job to the other worker…
    [survivor] = started
    wait_for(
        lambda: _probe("crash").finished_at is not None,
        timeout=60,
        what="the other worker to run the redelivered job",
        workers=workers,
    )
    probe = _probe("crash")
    assert (probe.attempts, probe.worker_pid) == (2, survivor)
    # …and the check-and-set keeps the effect to one
    assert probe.effects == 1
