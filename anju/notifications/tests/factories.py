"""Inbox rows for page and API tests."""

from __future__ import annotations

import factory

from anju.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    event = "announcement"
    title = factory.Sequence(lambda n: f"停水通知{n}")
    body = "明日 9:00–12:00 停水检修，请提前储水。"
