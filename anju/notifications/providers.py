"""Channel adapters. Settings pick one class per channel by dotted path
(`ANJU_NOTIFY_PROVIDERS`); a real SMS or WeChat vendor is one more class with `send()`.

A provider either returns the vendor's message id or raises `ProviderError` (any other
exception counts as one too): the delivery task records the attempt and retries later.
`message.reference` is stable across retries (the delivery id): vendors that accept an
idempotency key should be given it, so that a retry after a lost reply sends nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

log = logging.getLogger("anju.notifications")


class ProviderError(Exception):
    """The provider refused or could not be reached; worth another try."""


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str
    subject: str
    body: str
    event: str
    reference: str
    data: dict = field(default_factory=dict)


class Provider(Protocol):
    def send(self, message: OutgoingMessage) -> str: ...


class ConsoleProvider:
    """Development: writes the message to the log instead of sending it."""

    def send(self, message: OutgoingMessage) -> str:
        log.info(
            "[%s → %s] %s %s",
            message.channel,
            message.to,
            message.subject,
            message.body,
        )
        return f"console-{uuid.uuid4().hex[:12]}"


class EmailProvider:
    """Email through Django's configured backend (SMTP in production: EMAIL_HOST…)."""

    def send(self, message: OutgoingMessage) -> str:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"X-Anju-Reference": message.reference},
        )
        # the Message-ID is fixed before sending so the log names the mail that went out
        message_id = f"<anju-{message.reference}-{uuid.uuid4().hex[:8]}@anju>"
        email.extra_headers["Message-ID"] = message_id
        try:
            # a bounded wait: the delivery row stays locked while we send
            timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 30
            connection = get_connection(fail_silently=False, timeout=timeout)
            sent = connection.send_messages([email])
        except OSError as exc:  # smtplib errors are OSError subclasses
            raise ProviderError(f"SMTP: {exc}") from exc
        if not sent:
            raise ProviderError("SMTP: the backend accepted no message")
        return message_id


class SmsProvider:
    """Base for SMS vendors (Aliyun, Tencent Cloud…): subclass and implement `post`,
    sending `message.body` (already signed 【安居物业】) to the phone `message.to`."""

    def send(self, message: OutgoingMessage) -> str:
        return self.post(phone=message.to, text=message.body, key=message.reference)

    def post(self, *, phone: str, text: str, key: str) -> str:
        raise NotImplementedError


class WechatTemplateProvider:
    """Base for WeChat official-account template messages: `payload()` builds the body of
    the message/template/send call; a vendor class implements `post` (token + HTTPS)."""

    def payload(self, message: OutgoingMessage) -> dict:
        templates = getattr(settings, "ANJU_WECHAT_TEMPLATES", {})
        return {
            "touser": message.to,
            "template_id": templates.get(message.event, message.event),
            "data": {
                "first": {"value": message.subject},
                "keyword1": {"value": message.body},
                "remark": {"value": message.data.get("remark", "")},
            },
        }

    def send(self, message: OutgoingMessage) -> str:
        return self.post(self.payload(message), key=message.reference)

    def post(self, payload: dict, *, key: str) -> str:
        raise NotImplementedError


def provider_for(channel: str) -> Provider:
    """The configured provider for a channel."""
    path = settings.ANJU_NOTIFY_PROVIDERS[channel]
    return import_string(path)()
