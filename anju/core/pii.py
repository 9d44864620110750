"""Revealing personal data: a permission check, a reason, and an audit event each time."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import audit
from .errors import PermissionDenied, ValidationFailed
from .masking import MASKERS
from .models import AuditAction

REVEAL_PERM = "pii.reveal"


def can_reveal(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_role_perm(REVEAL_PERM))


def pii_reveal(*, actor: Any, obj: models.Model, field: str, reason: str) -> str:
    """Return the unmasked value of `field` on `obj` and log who, what, when and why.

    The caller must already have fetched `obj` through `visible_to(actor)`.
    """
    if field not in MASKERS or not hasattr(obj, field):
        raise ValidationFailed(
            "该字段不可查看", code="pii_field_invalid", fields={"field": ["无效字段"]}
        )
    if not can_reveal(actor):
        raise PermissionDenied("无权查看完整个人信息", code="pii_reveal_denied")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed(
            "请填写查看原因", code="pii_reason_required", fields={"reason": ["必填"]}
        )
    community_id = getattr(obj, "community_id", None)
    audit.record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=obj,
        changes={"field": field},
        reason=reason,
        community_id=community_id,
    )
    return str(getattr(obj, field) or "")
