"""Staff pages for master data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


def _staff(request: HttpRequest, perm: str = "estates.view") -> None:
    if request.user.is_owner_account or not request.user.has_role_perm(perm):
        raise Http404


@login_required
@require_GET
def house_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    q = request.GET.get("q", "")
    qs = selectors.house_search(
        user=request.user, q=q, community_id=request.community_id
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "estates/house_list.html", {"page": page, "q": q})


@login_required
@require_GET
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    house = selectors.house_get(user=request.user, pk=pk)
    residents = house.residents.filter(active=True).select_related("person")
    return render(
        request,
        "estates/house_detail.html",
        {"house": house, "residents": residents, "vehicles": house.vehicles.all()},
    )
