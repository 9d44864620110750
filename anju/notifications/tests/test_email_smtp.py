"""Email through Django's SMTP backend to a real SMTP server the test starts."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from anju.notifications.models import Delivery
from anju.notifications.services import notify


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "anju@wuye.example.com"
    yield inbox
    controller.stop()


def test_an_email_arrives_at_the_smtp_server_with_its_chinese_subject(
    smtp_server, supervisor, community, django_capture_on_commit_callbacks
):
    # given
    supervisor.email = "zhuguan@example.com"
    supervisor.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor],
            context={"number": "TS2026-0568", "clock": "办结", "community": "绿水苑"},
            community=community,
            urgent=True,
            channels=["email"],
        )
    # then
    [(rcpt, message)] = smtp_server.received
    assert rcpt == ["zhuguan@example.com"]
    # Django folds a long encoded subject onto the next line; the decoded header then
    # starts with the folding space, which mail clients drop
    assert message["Subject"].lstrip() == "【安居】工单 TS2026-0568 办结超时提醒"
    assert message["From"] == "anju@wuye.example.com"
    assert "绿水苑 的工单 TS2026-0568" in message.get_content()
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert delivery.provider_message_id == message["Message-ID"]


def test_an_unreachable_smtp_server_is_an_attempt_logged_and_given_up_at_the_limit(
    settings, supervisor, community, django_capture_on_commit_callbacks
):
    # given no SMTP server on the configured port
    supervisor.email = "zhuguan@example.com"
    supervisor.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_TIMEOUT = 2
    settings.ANJU_NOTIFY_MAX_ATTEMPTS = 2
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor],
            context={"number": "TS2026-0568"},
            community=community,
            urgent=True,
            channels=["email"],
        )
    # then
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert delivery.last_error.startswith("ProviderError: SMTP: ")
    assert [h["ok"] for h in delivery.history] == [False, False]
