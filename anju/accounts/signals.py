"""Write lockouts into the audit log."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.dispatch import receiver

from anju.core import audit
from anju.core.models import AuditAction


@receiver(user_locked_out)
def log_lockout(sender, request, username=None, ip_address=None, **kwargs):  # type: ignore[no-untyped-def]
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_LOCKED,
        object_type="accounts.user",
        object_id=str(username or "")[:40],
        reason="连续登录失败，账号已临时锁定",
        ip=ip_address,
    )
