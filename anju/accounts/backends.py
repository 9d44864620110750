"""Authentication: staff by username, owners by mobile phone (their username)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from anju.core.validators import normalize_mobile


class StaffOrOwnerBackend(ModelBackend):
    """ModelBackend that also accepts a phone written with spaces, dashes or +86."""

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if username:
            phone = normalize_mobile(username)
            if phone.isdigit() and len(phone) == 11:
                username = phone
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )
