"""API token authentication with a short per-process memory.

Every API request authenticated by its token, then asked which communities the user
works in: two queries before the view does anything, about a tenth of the cost of
creating a ticket. A worker keeps, per token, the user's row and community ids for
`ANJU_AUTH_CACHE_SECONDS` (5 s by default; 0 turns it off, as the test settings do) and
builds a fresh `User` from them for each request, so nothing one request sets on its
user reaches the next.

A change made through the ORM in this process — a token deleted, a user saved
(deactivated, role or company changed), community membership changed, a community
added or removed — forgets everything at once; other workers follow within the period.
That period is how long a revoked token or a withdrawn community can still be used
through another worker.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .models import User

_FIELDS = [f.attname for f in User._meta.concrete_fields]
_memo: dict[str, tuple[float, tuple[Any, ...], list[int] | None]] = {}
_lock = threading.Lock()


def _ttl() -> float:
    return float(getattr(settings, "ANJU_AUTH_CACHE_SECONDS", 5))


def forget(*args: Any, **kwargs: Any) -> None:
    with _lock:
        _memo.clear()


def _user(values: tuple[Any, ...], community_ids: list[int] | None) -> User:
    user = User.from_db("default", _FIELDS, values)
    if community_ids is not None:
        user.__dict__["_community_ids"] = list(community_ids)
    return user


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, answered from memory within the period."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        ttl = _ttl()
        if ttl <= 0:
            return super().authenticate_credentials(key)
        now = time.monotonic()
        with _lock:
            hit = _memo.get(key)
        if hit is not None and now - hit[0] <= ttl:
            values, community_ids = hit[1], hit[2]
            user = _user(values, community_ids)
        else:
            token = Token.objects.select_related("user").filter(key=key).first()
            if token is None:
                raise exceptions.AuthenticationFailed(_("令牌无效"))
            user = token.user
            values = tuple(getattr(user, f) for f in _FIELDS)
            community_ids = (
                user.community_ids()
                if user.is_active and not user.is_owner_account
                else None
            )
            with _lock:
                if len(_memo) > 10_000:  # tokens of users long gone
                    _memo.clear()
                _memo[key] = (now, values, community_ids)
            user = _user(values, community_ids)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用或已删除"))
        return user, Token(key=key, user_id=user.pk)


def _connect() -> None:
    from anju.estates.models import Community

    for model in (Token, User, Community):
        post_save.connect(forget, sender=model, weak=False)
        post_delete.connect(forget, sender=model, weak=False)
    m2m_changed.connect(forget, sender=User.communities.through, weak=False)


_connect()
