"""Audit log writes: create/update/delete of master data, reveals, exports, lockouts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready, keyed by attname."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {n: _plain(getattr(obj, n)) for n in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


SENSITIVE = {"phone", "id_number", "password"}


def _redact(changes: dict[str, Any]) -> dict[str, Any]:
    from .masking import MASKERS

    out = {}
    for key, value in changes.items():
        if key == "password":
            out[key] = ["***", "***"]
        elif key in MASKERS and isinstance(value, list):
            out[key] = [MASKERS[key](v) if v else v for v in value]
        else:
            out[key] = value
    return out


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    community_id: int | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit event. Personal data in `changes` is stored masked."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if community_id is None:
            community_id = getattr(obj, "community_id", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor)[:150] if actor else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        community_id=community_id,
        changes=_redact(changes or {}),
        reason=reason[:200],
        ip=ip,
    )


def record_create(*, actor: Any, obj: models.Model) -> AuditEvent:
    return record(
        actor=actor, action=AuditAction.CREATE, obj=obj, changes=diff({}, snapshot(obj))
    )


def record_update(
    *, actor: Any, obj: models.Model, before: dict[str, Any]
) -> AuditEvent | None:
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    return record(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes)


def record_delete(*, actor: Any, obj: models.Model) -> AuditEvent:
    changes = {k: [v, None] for k, v in snapshot(obj).items()}
    return record(actor=actor, action=AuditAction.DELETE, obj=obj, changes=changes)
