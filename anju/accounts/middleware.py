"""The community switcher: which of the user's communities the pages narrow to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SESSION_KEY = "active_community"


class ActiveCommunityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.community_id = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_owner_account:
            cid = request.session.get(SESSION_KEY)
            if cid and cid in user.community_ids():
                request.community_id = cid  # type: ignore[attr-defined]
        return self.get_response(request)
