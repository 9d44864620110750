"""Core models: the audit log shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import ScopedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    REVEAL = "reveal", _("查看敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN_LOCKED = "login_locked", _("登录锁定")


class AuditEvent(models.Model):
    """Who did what to which record, when, with the fields before → after."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象ID"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    community = models.ForeignKey(
        "estates.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("小区"),
    )
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    scope_community = "community"
    scope_perm_app = "audit"
    scope_superuser_all = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class Counter(models.Model):
    """A business-number sequence (e.g. TS2026 for complaints of 2026) of one company."""

    company = models.ForeignKey(
        "estates.Company", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=30)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "key"], name="counter_company_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    WEEKEND = "weekend", _("休息日")
    HOLIDAY = "holiday", _("法定节假日")


class CalendarDay(models.Model):
    """An admin-entered day that overrides the official calendar (holidays, 调休 workdays).

    Needed for years the State Council has not yet announced when the installed
    `chinese_calendar` package was built; also drives SLA business hours.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
