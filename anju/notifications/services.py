"""Notifications through one interface: `notify()` renders, records and queues; the
`deliver` task sends each delivery once; quiet hours hold what can wait."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import Context, Engine
from django.utils import timezone

from anju.core.errors import ApplicationError

from .catalogue import DEFAULT_TEMPLATES, SIGN, Template
from .choices import FINAL_STATUSES, OUTSIDE_CHANNELS, Channel, DeliveryStatus
from .models import Delivery, MessageTemplate, Notification, WechatBinding
from .providers import OutgoingMessage, provider_for


class UnknownEvent(ApplicationError):
    """没有这个通知事件。"""

    code = "notification_unknown_event"


class UnknownChannel(ApplicationError):
    """没有这个通知渠道。"""

    code = "notification_unknown_channel"


# --- templates -------------------------------------------------------------------------


def templates_for(*, event: str, community_id: int | None) -> dict[str, Template]:
    """Per channel: the community's override, else the company-wide one, else the default."""
    if event not in DEFAULT_TEMPLATES:
        raise UnknownEvent(fields={"event": [event]})
    found = dict(DEFAULT_TEMPLATES[event])
    rows = MessageTemplate.objects.filter(event=event).filter(
        Q(community__isnull=True) | Q(community_id=community_id)
    )
    # company-wide first, so that a community's own row wins
    for row in sorted(rows, key=lambda r: r.community_id is not None):
        found[row.channel] = Template(row.subject, row.body)
    return found


@lru_cache(maxsize=512)
def _compiled(text: str) -> Any:
    return Engine.get_default().from_string(text)


def render(text: str, context: dict) -> str:
    """Plain-text rendering (no HTML escaping: SMS, email and WeChat are text).
    Templates are compiled once per text (a breach scan renders hundreds)."""
    return _compiled(text).render(Context(context, autoescape=False)).strip()


# --- quiet hours -------------------------------------------------------------------------


def _quiet_window() -> tuple[time, time] | None:
    spec = (getattr(settings, "ANJU_QUIET_HOURS", "21:00-08:00") or "").strip()
    if not spec:
        return None
    start, end = (time.fromisoformat(p.strip()) for p in spec.split("-"))
    return start, end


def quiet_until(now: datetime, tz_name: str) -> datetime | None:
    """When quiet hours end if `now` falls inside them (in the community's zone), else None."""
    window = _quiet_window()
    if window is None:
        return None
    start, end = window
    zone = ZoneInfo(tz_name or settings.TIME_ZONE)
    local = now.astimezone(zone)
    t = local.time()
    quiet = (t >= start or t < end) if start > end else (start <= t < end)
    if not quiet:
        return None
    release = datetime.combine(local.date(), end, tzinfo=zone)
    if release <= local:
        release += timedelta(days=1)
    return release


# --- notify -------------------------------------------------------------------------------


def address_for(user, channel: str, openids: dict[int, str] | None = None) -> str:  # type: ignore[no-untyped-def]
    """Where a person receives a channel ("" if nowhere)."""
    if channel == Channel.EMAIL:
        return user.email or ""
    if channel == Channel.SMS:
        return user.phone or ""
    if channel == Channel.WECHAT:
        if openids is None:
            openids = _openids([user.pk])
        return openids.get(user.pk, "")
    return ""


def _openids(user_ids: list[int]) -> dict[int, str]:
    return dict(
        WechatBinding.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "openid"
        )
    )


def notify(
    *,
    event: str,
    recipients: Iterable,
    context: dict,
    community=None,  # type: ignore[no-untyped-def]
    urgent: bool = False,
    channels: Iterable[str] | None = None,
    link: str = "",
    now: datetime | None = None,
) -> list[Notification]:
    """Tell each recipient about an event: an inbox row for everyone, plus a delivery per
    outside channel they have an address for. Sending happens after commit, in the worker;
    non-urgent outside messages wait while the community's quiet hours last."""
    now = now or timezone.now()
    community_id = getattr(community, "pk", community)
    templates = templates_for(event=event, community_id=community_id)
    wanted = list(dict.fromkeys(channels)) if channels is not None else list(templates)
    for channel in wanted:
        if channel not in Channel.values:
            raise UnknownChannel(fields={"channels": [channel]})
    tz_name = (
        getattr(community, "timezone", None)
        if community is not None and not isinstance(community, int)
        else None
    ) or settings.TIME_ZONE
    release_at = None if urgent else quiet_until(now, tz_name)
    ctx = {"sign": SIGN, **context}
    rendered = {
        ch: (render(templates[ch].subject, ctx), render(templates[ch].body, ctx))
        for ch in wanted
        if ch in templates
    }
    inbox_title, inbox_body = rendered.get(Channel.INBOX) or next(
        iter(rendered.values()), ("", "")
    )
    people = list(
        {u.pk: u for u in recipients if u is not None and u.is_active}.values()
    )

    openids = _openids([u.pk for u in people]) if Channel.WECHAT in rendered else {}
    queued: list[int] = []
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    community_id=community_id,
                    event=event,
                    title=inbox_title[:200] or event,
                    body=inbox_body,
                    link=link,
                    urgent=urgent,
                    created_at=now,
                )
                for user in people
            ]
        )
        deliveries = []
        for note in notifications:
            for channel, (subject, body) in rendered.items():
                if channel == Channel.INBOX:
                    deliveries.append(
                        Delivery(
                            notification=note,
                            channel=channel,
                            subject=subject[:200],
                            body=body,
                            status=DeliveryStatus.SENT,
                            attempts=1,
                            sent_at=now,
                            created_at=now,
                        )
                    )
                    continue
                address = address_for(note.recipient, channel, openids)
                if not address:
                    continue
                held = release_at is not None and channel in OUTSIDE_CHANNELS
                deliveries.append(
                    Delivery(
                        notification=note,
                        channel=channel,
                        address=address,
                        subject=subject[:200],
                        body=body,
                        status=(
                            DeliveryStatus.HELD_QUIET if held else DeliveryStatus.QUEUED
                        ),
                        next_attempt_at=release_at if held else None,
                        created_at=now,
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        queued = [d.pk for d in deliveries if d.status == DeliveryStatus.QUEUED]
        if queued:
            transaction.on_commit(lambda: enqueue(queued))
    return notifications


def enqueue(delivery_ids: list[int]) -> None:
    from .tasks import deliver

    for pk in delivery_ids:
        deliver.delay(pk)


# --- sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    sent: bool = False
    retry_in: int | None = None


def _backoff(attempts: int) -> int:
    base = int(getattr(settings, "ANJU_NOTIFY_RETRY_SECONDS", 60))
    return min(base * 2 ** (attempts - 1), 3600)


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> Outcome:
    """Send one delivery unless it is already sent, failed for good, or still held.

    The row stays locked (select_for_update) while the provider is called, so two runs
    of the same job — a redelivered message, a double enqueue — serialize and the second
    finds it sent. Each attempt is recorded; a failed one asks for a retry with backoff
    until `ANJU_NOTIFY_MAX_ATTEMPTS`, then the delivery is marked failed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in FINAL_STATUSES:
            return Outcome()
        if delivery.status == DeliveryStatus.HELD_QUIET:
            if delivery.next_attempt_at and delivery.next_attempt_at > now:
                return Outcome()
        message = OutgoingMessage(
            channel=delivery.channel,
            to=delivery.address,
            subject=delivery.subject,
            body=delivery.body,
            event=delivery.notification.event,
            reference=str(delivery.pk),
        )
        delivery.attempts += 1
        try:
            message_id = provider_for(delivery.channel).send(message)
        except Exception as exc:  # noqa: BLE001 - any provider failure is an attempt
            error = f"{type(exc).__name__}: {exc}"[:1000]
            delivery.last_error = error
            delivery.history = [
                *delivery.history,
                {"at": now.isoformat(), "ok": False, "error": error},
            ]
            retry_in = None
            if delivery.attempts >= settings.ANJU_NOTIFY_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                retry_in = _backoff(delivery.attempts)
                delivery.status = DeliveryStatus.QUEUED
                delivery.next_attempt_at = now + timedelta(seconds=retry_in)
            delivery.save(
                update_fields=[
                    "attempts",
                    "last_error",
                    "history",
                    "status",
                    "next_attempt_at",
                ]
            )
            return Outcome(retry_in=retry_in)
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.provider_message_id = str(message_id)[:200]
        delivery.history = [*delivery.history, {"at": now.isoformat(), "ok": True}]
        delivery.save(
            update_fields=[
                "attempts",
                "status",
                "sent_at",
                "next_attempt_at",
                "provider_message_id",
                "history",
            ]
        )
        return Outcome(sent=True)


def deliveries_release_held(*, now: datetime | None = None) -> int:
    """Quiet hours are over: queue the held deliveries whose time has come."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Delivery.objects.due_release(now).values_list("pk", flat=True))
        released = Delivery.objects.filter(
            pk__in=ids, status=DeliveryStatus.HELD_QUIET
        ).update(status=DeliveryStatus.QUEUED)
        if ids:
            transaction.on_commit(lambda: enqueue(ids))
    return released


# --- inbox ----------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> Notification:  # type: ignore[no-untyped-def]
    """Mark one of the user's own messages read (reading twice keeps the first time)."""
    if notification.recipient_id != user.pk:
        raise ApplicationError("对象不存在或无权访问。", code="not_found", status=404)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
