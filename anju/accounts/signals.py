"""Write lockouts into the audit log, in the community of the locked account."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.dispatch import receiver

from anju.core import audit
from anju.core.models import AuditAction


def _community_of(username: str) -> int | None:
    """The first community of a staff account, or of an owner's first house."""
    from anju.accounts.models import User
    from anju.estates.models import House

    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    if user.is_owner_account:
        return (
            House.objects.filter(pk__in=user.owned_house_ids())
            .order_by("pk")
            .values_list("community_id", flat=True)
            .first()
        )
    ids = user.community_ids()
    return min(ids) if ids else None


@receiver(user_locked_out)
def log_lockout(sender, request, username=None, ip_address=None, **kwargs):  # type: ignore[no-untyped-def]
    # axes signals again for every attempt refused during the lock; only the failure
    # that set the lock has counted failures on the request.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_LOCKED,
        object_type="accounts.user",
        object_id=str(username or "")[:40],
        reason="连续登录失败，账号已临时锁定",
        community_id=_community_of(str(username or "")),
        ip=ip_address,
    )
