"""Agents' corrections of triage proposals, kept for retraining."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Category, TicketType, Urgency


class TriageCorrection(models.Model):
    """What the classifier proposed for a text and what the agent confirmed or set."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # the service desk's ticket, once it exists; a plain id until then
    ticket_id = models.PositiveBigIntegerField(_("工单ID"), null=True, blank=True)
    text = models.TextField(_("原文"))
    predicted = models.JSONField(_("模型建议"), default=dict)
    type = models.CharField(_("类型"), max_length=20, choices=TicketType.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices)
    changed = models.BooleanField(_("有修改"), default=False)
    model_version = models.CharField(_("模型版本"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("分类更正")
        verbose_name_plural = _("分类更正")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.text[:20]} → {self.type}/{self.category}/{self.urgency}"

    @property
    def corrected(self) -> dict[str, str]:
        return {"type": self.type, "category": self.category, "urgency": self.urgency}
