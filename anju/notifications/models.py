"""Notifications: the in-app inbox, the delivery log per channel, message templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryStatus


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:  # type: ignore[no-untyped-def]
        """A person's own inbox: nobody reads another's messages, whatever the role."""
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person; the row is their inbox item."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    community = models.ForeignKey(
        "estates.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("小区"),
    )
    event = models.CharField(_("事件"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="inbox_idx"
            )
        ]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title


class DeliveryQuerySet(models.QuerySet):
    def due_release(self, now) -> DeliveryQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(status=DeliveryStatus.HELD_QUIET, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One notification through one channel: the delivery log row with every attempt."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    # one entry per attempt: {"at": iso time, "ok": bool, "error": str}
    history = models.JSONField(_("发送记录"), default=list, blank=True)
    next_attempt_at = models.DateTimeField(_("下次发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_message_id = models.CharField(
        _("服务商消息号"), max_length=200, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")
        ]
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"


class MessageTemplate(models.Model):
    """A per-community (or company-wide) override of a shipped template."""

    event = models.CharField(_("事件"), max_length=50)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    community = models.ForeignKey(
        "estates.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("小区"),
        help_text=_("留空则对所有小区生效"),
    )
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"), help_text=_("Django 模板语法，如 {{ number }}"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "community"],
                condition=Q(community__isnull=False),
                name="template_once_per_community",
            ),
            models.UniqueConstraint(
                fields=["event", "channel"],
                condition=Q(community__isnull=True),
                name="template_once_global",
            ),
        ]
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")

    def __str__(self) -> str:
        return f"{self.event}/{self.channel}"

    def clean(self) -> None:
        """A template that does not compile is refused in the admin, not at send time."""
        from django.core.exceptions import ValidationError
        from django.template import Engine, TemplateSyntaxError

        for name in ("subject", "body"):
            try:
                Engine.get_default().from_string(getattr(self, name))
            except TemplateSyntaxError as exc:
                raise ValidationError({name: str(exc)}) from exc


class WechatBinding(models.Model):
    """The WeChat openid a person receives template messages at."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat"
    )
    openid = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = _("微信绑定")

    def __str__(self) -> str:
        return self.openid


class QueueProbe(models.Model):
    """A marker job sent through the real queue: proves a worker runs it, exactly once."""

    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    effects = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)  # the last runner

    def __str__(self) -> str:
        return self.key
