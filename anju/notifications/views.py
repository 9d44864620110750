"""Inbox pages: staff in the staff UI, owners in the portal. Own messages only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from anju.portal.views import owner_required

from . import selectors, services

PAGE_SIZE = 20


def _staff_only(request: HttpRequest) -> None:
    if request.user.is_owner_account:
        raise Http404


def _page(request: HttpRequest) -> dict:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.inbox_for(request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "notifications": page.object_list,
        "unread_only": unread_only,
        "unread": selectors.unread_count(request.user),
    }


def _mark(request: HttpRequest, pk: int | None, fallback: str) -> HttpResponse:
    if pk is None:
        services.notifications_mark_all_read(user=request.user)
    else:
        note = selectors.notification_get_for_user(request.user, pk)
        if note is None:
            raise Http404
        services.notification_mark_read(notification=note, user=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = fallback
    return redirect(target or fallback)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(request, "notifications/inbox.html", _page(request))


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the top bar, loaded by htmx after the page (no extra query
    on every page render)."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    return _mark(request, pk, "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _mark(request, None, "notifications:inbox")


@owner_required
@require_GET
def portal_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/portal_inbox.html", _page(request))


@owner_required
@require_POST
def portal_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, "portal_notifications:inbox")


@owner_required
@require_POST
def portal_mark_all_read(request: HttpRequest) -> HttpResponse:
    return _mark(request, None, "portal_notifications:inbox")
