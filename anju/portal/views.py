"""Owner portal (业主服务平台): mobile-first pages; business rules live in other apps."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anju.accounts.views import LoginForm, _safe_next
from anju.estates.models import House, HouseResident


def owner_required(view):  # type: ignore[no-untyped-def]
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated or not request.user.is_owner_account:
            return redirect(f"/portal/login/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Owners sign in with their mobile number and password."""
    form = LoginForm(request, data=request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid() and form.get_user().is_owner_account:
            login(request, form.get_user())
            return redirect(_safe_next(request, "/portal/"))
        error = _("手机号或密码错误。")
    return render(request, "portal/login.html", {"form": form, "error": error})


@owner_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ties = (
        HouseResident.objects.visible_to(request.user)
        .filter(person__user=request.user, active=True)
        .select_related("house__community")
        .order_by("house__community__name", "house__number")
    )
    return render(request, "portal/home.html", {"ties": ties})


@owner_required
@require_GET
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = get_object_or_404(
        House.objects.visible_to(request.user).select_related("community"), pk=pk
    )
    return render(request, "portal/house_detail.html", {"house": house})
