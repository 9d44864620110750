"""Staff pages for master data: houses, people, buildings, vehicles, parking spaces.

Views parse, call a service or selector, and render. Reads need `estates.view`, writes
`estates.change`; objects are always fetched through `visible_to`, so anything outside
the user's communities is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core.errors import ApplicationError
from anju.core.pii import can_reveal, pii_reveal

from . import filters, forms, selectors, services
from .choices import Relation
from .models import (
    Building,
    Community,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
)

PAGE_SIZE = 50


def _staff(request: HttpRequest, perm: str = "estates.view") -> None:
    """Owners and roles without master-data access get a 404; read-only staff a 403."""
    user = request.user
    if user.is_owner_account or not user.has_role_perm("estates.view"):
        raise Http404
    if perm != "estates.view" and not user.has_role_perm(perm):
        raise PermissionDenied


def _can_change(request: HttpRequest) -> bool:
    return request.user.has_role_perm("estates.change")


def _apply_error(form: django_forms.Form, exc: ApplicationError) -> None:
    """Show a service refusal on the form: on its fields where they match, else on top."""
    placed = False
    for name, errors in (exc.fields or {}).items():
        if name in form.fields:
            for err in errors if isinstance(errors, list) else [errors]:
                form.add_error(name, str(err))
            placed = True
    if not placed or exc.message:
        form.add_error(None, exc.message)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(
    request: HttpRequest, form: Any, title: str, cancel: str, status: int = 200, **ctx
) -> HttpResponse:
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": title, "cancel_url": cancel, **ctx},
        status=status,
    )


# --- Houses --------------------------------------------------------------------------


def _owners_prefetch() -> Prefetch:
    return Prefetch(
        "residents",
        queryset=HouseResident.objects.filter(
            active=True, relation=Relation.OWNER
        ).select_related("person"),
        to_attr="owners",
    )


@login_required
@require_GET
def house_list(request: HttpRequest) -> HttpResponse:
    """Houses of the active community: search box plus building/usage/occupancy filters."""
    _staff(request)
    q = request.GET.get("q", "").strip()
    qs = selectors.house_search(
        user=request.user, q=q, community_id=request.community_id
    )
    house_filter = filters.HouseFilter(request.GET, queryset=qs, request=request)
    qs = house_filter.qs.prefetch_related(_owners_prefetch())
    return render(
        request,
        "estates/house_list.html",
        {
            "page": _page(request, qs),
            "q": q,
            "filter": house_filter,
            "can_change": _can_change(request),
        },
    )


@login_required
@require_GET
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one house: fields, owners, family, tenants, vehicles, parking."""
    _staff(request)
    house = selectors.house_get(user=request.user, pk=pk)
    return _render_house(request, house)


def _render_house(
    request: HttpRequest,
    house: House,
    resident_form: forms.ResidentAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    ties = list(house.residents.select_related("person").order_by("-active", "id"))
    active = [r for r in ties if r.active]
    groups = [
        (label, [r for r in active if r.relation == code])
        for code, label in Relation.choices
    ]
    can_change = _can_change(request)
    if resident_form is None and can_change:
        resident_form = forms.ResidentAddForm(user=request.user)
    return render(
        request,
        "estates/house_detail.html",
        {
            "house": house,
            "groups": groups,
            "ended": [r for r in ties if not r.active],
            "vehicles": house.vehicles.select_related("person", "parking_space"),
            "spaces": house.parking_spaces.all(),
            "can_change": can_change,
            "can_view_bills": request.user.has_role_perm("billing.view"),
            "resident_form": resident_form,
            "picked": (
                resident_form.cleaned_data.get("person")
                if resident_form is not None and hasattr(resident_form, "cleaned_data")
                else None
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def house_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "estates.change")
    form = forms.HouseForm(
        request.POST or None, user=request.user, community_id=request.community_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            house = services.house_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("房屋 %(n)s 已创建") % {"n": house.number})
            return redirect("estates:house_detail", house.pk)
    return _form_page(
        request,
        form,
        _("新增房屋"),
        reverse("estates:house_list"),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def house_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "estates.change")
    house = get_object_or_404(
        House.objects.visible_to(request.user, "change").select_related(
            "community", "building", "unit"
        ),
        pk=pk,
    )
    form = forms.HouseForm(request.POST or None, instance=house, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.house_update(house=house, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("房屋信息已保存"))
            return redirect("estates:house_detail", house.pk)
    return _form_page(
        request,
        form,
        _("编辑房屋 %(n)s") % {"n": house.number},
        house_url(house),
        status=400 if form.errors else 200,
    )


def house_url(house: House) -> str:
    return reverse("estates:house_detail", args=[house.pk])


@login_required
@require_POST
def house_resident_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Tie an existing person (picked by search) or a new one to the house."""
    _staff(request, "estates.change")
    house = get_object_or_404(
        House.objects.visible_to(request.user, "change").select_related(
            "community", "building", "unit"
        ),
        pk=pk,
    )
    form = forms.ResidentAddForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"]:
                services.resident_add(
                    house=house,
                    person=data["person"],
                    relation=data["relation"],
                    is_primary=data["is_primary"],
                    actor=request.user,
                )
            else:
                services.person_create_for_house(
                    house=house,
                    relation=data["relation"],
                    is_primary=data["is_primary"],
                    actor=request.user,
                    name=data["name"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    note=data["note"],
                )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已添加住户"))
            return redirect("estates:house_detail", house.pk)
    return _render_house(request, house, resident_form=form, status=400)


@login_required
@require_POST
def resident_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a person's tie to a house (move-out, sale); the row stays as history."""
    _staff(request, "estates.change")
    resident = get_object_or_404(
        HouseResident.objects.visible_to(request.user, "change").select_related(
            "house", "person"
        ),
        pk=pk,
        active=True,
    )
    services.resident_end(
        resident=resident, actor=request.user, until=timezone.localdate()
    )
    messages.success(
        request,
        _("%(name)s 已不再是该房屋的%(rel)s")
        % {"name": resident.person.name, "rel": resident.get_relation_display()},
    )
    return redirect("estates:house_detail", resident.house_id)


# --- People --------------------------------------------------------------------------


def _people(request: HttpRequest) -> Any:
    return Person.objects.visible_to(request.user).in_community(request.community_id)


def _residencies_prefetch(request: HttpRequest, active_only: bool = True) -> Prefetch:
    ties = HouseResident.objects.visible_to(request.user).select_related("house")
    if active_only:
        ties = ties.filter(active=True)
    return Prefetch("residencies", queryset=ties, to_attr="ties")


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """Owners and residents: search by name, pinyin initials or phone tail."""
    _staff(request)
    q = request.GET.get("q", "").strip()
    qs = filters.person_search(_people(request), q).prefetch_related(
        _residencies_prefetch(request)
    )
    return render(
        request,
        "estates/person_list.html",
        {"page": _page(request, qs), "q": q, "can_change": _can_change(request)},
    )


@login_required
@require_GET
def person_picker(request: HttpRequest) -> HttpResponse:
    """htmx fragment for the house page: people matching the search, as radio choices."""
    _staff(request, "estates.change")
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        people = list(
            filters.person_search(Person.objects.visible_to(request.user), q)
            .prefetch_related(_residencies_prefetch(request))
            .order_by("name", "id")[:10]
        )
    return render(request, "estates/_person_picker.html", {"people": people, "q": q})


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    person = get_object_or_404(
        Person.objects.visible_to(request.user).prefetch_related(
            _residencies_prefetch(request, active_only=False)
        ),
        pk=pk,
    )
    vehicles = (
        Vehicle.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("house", "parking_space", "community")
    )
    return render(
        request,
        "estates/person_detail.html",
        {
            "person": person,
            "vehicles": vehicles,
            "can_change": _can_change(request),
            "can_reveal": can_reveal(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A new owner/resident, tied to a house in the same step."""
    _staff(request, "estates.change")
    form = forms.PersonCreateForm(
        request.POST or None, user=request.user, community_id=request.community_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tie = services.person_create_for_house(
                house=form.house,
                relation=data["relation"],
                is_primary=data["is_primary"],
                actor=request.user,
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                note=data["note"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s") % {"n": tie.person.name})
            return redirect("estates:person_detail", tie.person_id)
    return _form_page(
        request,
        form,
        _("新增业主住户"),
        reverse("estates:person_list"),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "estates.change")
    person = get_object_or_404(Person.objects.visible_to(request.user, "change"), pk=pk)
    form = forms.PersonEditForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user, **form.changes())
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("人员信息已保存"))
            return redirect("estates:person_detail", person.pk)
    return _form_page(
        request,
        form,
        _("编辑 %(n)s") % {"n": person.name},
        reverse("estates:person_detail", args=[person.pk]),
        status=400 if form.errors else 200,
        hint=_("手机号和身份证号不显示原值；留空则保持不变，填写则替换。"),
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one unmasked phone or ID number, with a reason; the service audits it."""
    _staff(request)
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    field = request.POST.get("field", "")
    reason = request.POST.get("reason", "")
    ctx: dict[str, Any] = {"person": person, "field": field, "reason": reason}
    template = "estates/_reveal.html" if request.htmx else "estates/reveal_page.html"
    try:
        ctx["value"] = pii_reveal(
            actor=request.user, obj=person, field=field, reason=reason
        )
    except ApplicationError as exc:
        ctx["error"] = exc.message
        return render(request, template, ctx, status=exc.status)
    return render(request, template, ctx)


# --- Buildings and units ---------------------------------------------------------------


def _count(model: Any, **outer: str) -> Any:
    sub = (
        model.objects.filter(**{k: OuterRef(v) for k, v in outer.items()})
        .order_by()
        .values(next(iter(outer)))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub), 0)


@login_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    """Buildings per community with unit and house counts."""
    _staff(request)
    qs = (
        Building.objects.visible_to(request.user)
        .in_community(request.community_id)
        .select_related("community")
        .annotate(
            unit_count=_count(Unit, building="pk"),
            house_count=_count(House, building="pk"),
        )
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("number")))
        .order_by("community__name", "community_id", "number")
    )
    communities = Community.objects.visible_to(request.user).in_community(
        request.community_id
    )
    totals = communities.annotate(
        building_count=_count(Building, community="pk"),
        house_count=_count(House, community="pk"),
    ).order_by("name")
    return render(
        request,
        "estates/building_list.html",
        {
            "page": _page(request, qs),
            "totals": totals,
            "can_change": _can_change(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "estates.change")
    form = forms.BuildingForm(
        request.POST or None, user=request.user, community_id=request.community_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            building = services.building_create(
                community=data["community"],
                number=data["number"].strip(),
                name=data["name"],
                floors=data["floors"],
                actor=request.user,
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("楼栋 %(n)s 已创建") % {"n": building.number})
            return redirect("estates:building_list")
    return _form_page(
        request,
        form,
        _("新增楼栋"),
        reverse("estates:building_list"),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "estates.change")
    initial = {}
    if request.GET.get("building", "").isdigit():
        initial["building"] = int(request.GET["building"])
    form = forms.UnitForm(
        request.POST or None,
        user=request.user,
        community_id=request.community_id,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                building=data["building"],
                number=data["number"].strip(),
                actor=request.user,
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("单元 %(n)s 已创建") % {"n": unit})
            return redirect("estates:building_list")
    return _form_page(
        request,
        form,
        _("新增单元"),
        reverse("estates:building_list"),
        status=400 if form.errors else 200,
    )


# --- Vehicles and parking spaces -----------------------------------------------------


@login_required
@require_GET
def vehicle_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    q = request.GET.get("q", "").strip()
    qs = filters.vehicle_search(
        Vehicle.objects.visible_to(request.user)
        .in_community(request.community_id)
        .select_related("community", "house", "person", "parking_space"),
        q,
    )
    return render(
        request,
        "estates/vehicle_list.html",
        {"page": _page(request, qs), "q": q, "can_change": _can_change(request)},
    )


def _vehicle_form_page(request: HttpRequest, vehicle: Vehicle | None) -> HttpResponse:
    initial = {}
    if vehicle is None and request.GET.get("house", "").isdigit():
        house = (
            House.objects.visible_to(request.user, "change")
            .filter(pk=request.GET["house"])
            .first()
        )
        if house:
            initial = {"community": house.community_id, "house_number": house.number}
    if request.method == "GET" and "house_number" in request.GET:
        # htmx: the owner choices follow the house typed in; nothing is validated yet.
        initial = request.GET.dict()
    form = forms.VehicleForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        community_id=request.community_id,
        instance=vehicle,
        **({"initial": initial} if initial else {}),
    )
    refresh = {
        "hx-get": request.path,
        "hx-trigger": "change",
        "hx-include": "closest form",
        "hx-select": "#id_person",
        "hx-target": "#id_person",
        "hx-swap": "outerHTML",
    }
    form.fields["house_number"].widget.attrs.update(refresh)
    form.fields["community"].widget.attrs.update(refresh)
    if request.method == "POST" and form.is_valid():
        try:
            if vehicle is None:
                vehicle = services.vehicle_create(actor=request.user, **form.values())
            else:
                services.vehicle_update(
                    vehicle=vehicle, actor=request.user, **form.values()
                )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("车辆 %(p)s 已保存") % {"p": vehicle.plate})
            return redirect("estates:vehicle_list")
    return _form_page(
        request,
        form,
        _("登记车辆")
        if vehicle is None
        else _("编辑车辆 %(p)s") % {"p": vehicle.plate},
        reverse("estates:vehicle_list"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "estates.change")
    return _vehicle_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "estates.change")
    vehicle = get_object_or_404(
        Vehicle.objects.visible_to(request.user, "change").select_related(
            "house", "parking_space"
        ),
        pk=pk,
    )
    return _vehicle_form_page(request, vehicle)


@login_required
@require_GET
def parking_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    qs = (
        ParkingSpace.objects.visible_to(request.user)
        .in_community(request.community_id)
        .select_related("community", "house")
        .prefetch_related("vehicles")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(number__startswith=q)
    parking_filter = filters.ParkingFilter(request.GET, queryset=qs)
    return render(
        request,
        "estates/parking_list.html",
        {
            "page": _page(request, parking_filter.qs),
            "q": q,
            "filter": parking_filter,
            "can_change": _can_change(request),
        },
    )


def _parking_form_page(
    request: HttpRequest, space: ParkingSpace | None
) -> HttpResponse:
    form = forms.ParkingSpaceForm(
        request.POST or None,
        user=request.user,
        community_id=request.community_id,
        instance=space,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if space is None:
                space = services.parking_space_create(
                    actor=request.user, **form.values()
                )
            else:
                services.parking_space_update(
                    space=space, actor=request.user, **form.values()
                )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("车位 %(n)s 已保存") % {"n": space.number})
            return redirect("estates:parking_list")
    return _form_page(
        request,
        form,
        _("新增车位") if space is None else _("编辑车位 %(n)s") % {"n": space.number},
        reverse("estates:parking_list"),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def parking_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "estates.change")
    return _parking_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def parking_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "estates.change")
    space = get_object_or_404(
        ParkingSpace.objects.visible_to(request.user, "change").select_related("house"),
        pk=pk,
    )
    return _parking_form_page(request, space)
