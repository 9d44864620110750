"""Reads shared by the inbox pages and the API: a person's own messages only."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def inbox_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:  # type: ignore[no-untyped-def]
    qs = Notification.objects.for_user(user).select_related("community")
    return qs.unread() if unread_only else qs


def unread_count(user) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.for_user(user).unread().count()


def notification_get_for_user(user, pk: int) -> Notification | None:  # type: ignore[no-untyped-def]
    return Notification.objects.for_user(user).filter(pk=pk).first()
