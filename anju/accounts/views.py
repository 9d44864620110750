"""Login, logout, community switcher, audit log."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anju.core.models import AuditAction, AuditEvent
from anju.core.validators import normalize_mobile

from .middleware import SESSION_KEY


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
    }

    def clean_username(self) -> str:
        """A mobile written as 138 1234 1234 or +86… is the same account (and lock)."""
        raw = self.cleaned_data["username"]
        phone = normalize_mobile(raw)
        return phone if phone.isdigit() and len(phone) == 11 else raw


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Shown by django-axes once an account is locked after repeated failures."""
    portal = request.path.startswith("/portal/")
    minutes = max(1, round(get_cool_off(request).total_seconds() / 60))
    return render(
        request,
        "portal/login.html" if portal else "accounts/login.html",
        {
            "form": LoginForm(request),
            "locked": True,
            "error": _("登录失败次数过多，账号已临时锁定，请 %(minutes)s 分钟后再试。")
            % {"minutes": minutes},
        },
        status=429,
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Staff login. Owner accounts are sent to the portal login."""
    form = LoginForm(request, data=request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            if user.is_owner_account:
                error = _("业主请通过业主服务平台登录。")
            else:
                login(request, user)
                return redirect(_safe_next(request, "/"))
        else:
            error = form.errors.get("__all__", [""])[0]
    return render(request, "accounts/login.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    owner = request.user.is_authenticated and request.user.is_owner_account
    logout(request)
    return redirect("portal:login" if owner else "accounts:login")


@login_required
@require_POST
def switch_community(request: HttpRequest) -> HttpResponse:
    """Narrow every page to one of the user's communities, or back to all."""
    if request.user.is_owner_account:
        raise Http404
    raw = request.POST.get("community", "")
    if raw and raw.isdigit() and int(raw) in request.user.community_ids():
        request.session[SESSION_KEY] = int(raw)
    else:
        request.session.pop(SESSION_KEY, None)
    return redirect(_safe_next(request, "/"))


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Audit log for admins and supervisors, narrowed by object type, action or actor."""
    if not request.user.has_role_perm("audit.view"):
        raise Http404
    qs = (
        AuditEvent.objects.visible_to(request.user)
        .select_related("community")
        .in_community(request.community_id)
    )
    for key in ("action", "object_type"):
        if request.GET.get(key):
            qs = qs.filter(**{key: request.GET[key]})
    if request.GET.get("actor"):
        qs = qs.filter(actor_label__contains=request.GET["actor"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_list.html",
        {"page": page, "actions": AuditAction.choices},
    )


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_owner_account:
        return redirect("portal:home")
    return render(request, "home.html")


def flash_error(request: HttpRequest, message: str) -> None:
    messages.error(request, message)
