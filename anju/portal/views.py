"""Owner portal (业主服务平台): mobile-first pages; business rules live in other apps."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anju.accounts.views import LoginForm, _safe_next
from anju.core.masking import mask_phone
from anju.estates.models import House, HouseResident, Person


def owner_required(view):  # type: ignore[no-untyped-def]
    """Owners only: visitors go to the portal login, staff back to the staff UI."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            login_url = "/portal/login/"
            return redirect(f"{login_url}?{urlencode({'next': request.path})}")
        if not request.user.is_owner_account:
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


def mask_name(name: str) -> str:
    """张* / 欧阳** : the family name stays, the given name is hidden."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Owners sign in with their mobile number and password."""
    if request.method == "GET" and getattr(request.user, "is_owner_account", False):
        return redirect("portal:home")
    form = LoginForm(request, data=request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid() and form.get_user().is_owner_account:
            login(request, form.get_user())
            return redirect(_safe_next(request, "/portal/"))
        error = _("手机号或密码错误。")
    return render(request, "portal/login.html", {"form": form, "error": error})


def _my_name(request: HttpRequest) -> str:
    person = Person.objects.visible_to(request.user).filter(user=request.user).first()
    return person.name if person else ""


@owner_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """我的房屋: every house the owner, family member or tenant is tied to."""
    ties = (
        HouseResident.objects.visible_to(request.user)
        .filter(person__user=request.user, active=True)
        .select_related("house__community")
        .order_by("house__community__name", "house__number")
    )
    return render(
        request, "portal/home.html", {"ties": list(ties), "name": _my_name(request)}
    )


@owner_required
@require_GET
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One house: its facts, who lives there (masked), and the services to come."""
    house = get_object_or_404(
        House.objects.visible_to(request.user).select_related(
            "community", "building", "unit"
        ),
        pk=pk,
    )
    residents = (
        HouseResident.objects.visible_to(request.user)
        .filter(house=house, active=True)
        .select_related("person")
    )
    mine, others = [], []
    for tie in residents:
        if tie.person.user_id == request.user.pk:
            mine.append(tie)
        else:
            others.append(
                {
                    "relation": tie.get_relation_display(),
                    "name": mask_name(tie.person.name),
                    "phone": mask_phone(tie.person.phone),
                }
            )
    return render(
        request,
        "portal/house_detail.html",
        {"house": house, "mine": mine, "others": others},
    )
