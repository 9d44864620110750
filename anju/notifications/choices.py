"""Channels and delivery statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信模板消息")


# Channels that reach a person outside the app: quiet hours hold them unless urgent.
OUTSIDE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECHAT)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")  # waiting for the worker (first try or a retry)
    HELD_QUIET = "held_quiet", _("免打扰暂缓")  # non-urgent, held until quiet hours end
    SENT = "sent", _("已发送")  # the provider accepted it; never sent again
    FAILED = "failed", _("发送失败")  # gave up after the last attempt


FINAL_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.FAILED)
