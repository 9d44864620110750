"""抄表: a community's meter readings, entering one, importing many from Excel.

Reads need `billing.view`; entering and importing `billing.change`. The rules are in
anju/billing/meters.py; a refusal is explained in Chinese and nothing is saved.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import ApplicationError
from anju.estates.models import House

from . import forms, meters, selectors
from .models import MeterReading
from .views import (
    PAGE_SIZE,
    XLSX_TYPE,
    _community,
    _form_errors,
    _render,
    _staff,
    error_text,
)


def _page(request: HttpRequest, community: Any, communities: Any) -> dict[str, Any]:
    items = meters.metered_items(community)
    item = request.GET.get("item", "")
    q = request.GET.get("q", "").strip()
    qs = (
        MeterReading.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("house", "fee_item", "recorded_by")
        .order_by("-read_on", "-id")
    )
    if item.isdigit():
        qs = qs.filter(fee_item_id=int(item))
    if q:
        qs = qs.filter(house__number__startswith=q)
    can_change = request.user.has_role_perm("billing.change")
    return {
        "community": community,
        "communities": communities,
        "items": items,
        "item": int(item) if item.isdigit() else None,
        "q": q,
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_change": can_change,
        "form": forms.MeterReadingForm(
            item_choices=[(i.pk, i.name) for i in items],
            initial={"read_on": timezone.localdate().isoformat()},
        )
        if can_change and items
        else None,
        "max_mb": settings.ANJU_MAX_UPLOAD_BYTES // (1024 * 1024),
    }


@login_required
@require_GET
def meter_list(request: HttpRequest) -> HttpResponse:
    """抄表: the community's readings, newest first, by fee item and house prefix."""
    _staff(request)
    community, communities = _community(request)
    return _render(
        request, "billing/meters.html", _page(request, community, communities)
    )


def _posted_community(request: HttpRequest) -> Any:
    return selectors.pick_community(
        request.user, request.POST.get("community") or request.community_id
    )


@login_required
@require_POST
def meter_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "billing.change")
    community, _communities = _posted_community(request)
    target = reverse("billing:meter_list") + f"?community={community.pk}"
    items = {i.pk: i for i in meters.metered_items(community)}
    form = forms.MeterReadingForm(
        request.POST, item_choices=[(pk, i.name) for pk, i in items.items()]
    )
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(target)
    data = form.cleaned_data
    house = None
    if data["house"].strip():
        house = House.objects.filter(
            community=community, number=data["house"].strip()
        ).first()
        if house is None:
            messages.error(
                request,
                _("房号“%(n)s”不存在于%(c)s")
                % {"n": data["house"].strip(), "c": community.name},
            )
            return redirect(target)
    try:
        row = meters.meter_reading_enter(
            community=community,
            house=house,
            area_name=data["area_name"],
            fee_item=items[data["fee_item"]],
            reading=data["reading"],
            read_on=data["read_on"],
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(
        request,
        _("已录入 %(where)s %(item)s %(day)s 读数 %(value)s")
        % {
            "where": house.number if house else row.area_name,
            "item": row.fee_item.name,
            "day": f"{row.read_on:%Y-%m-%d}",
            "value": row.reading,
        },
    )
    return redirect(target)


@login_required
@require_POST
def meter_import(request: HttpRequest) -> HttpResponse:
    """Import readings from .xlsx: 校验 checks every row, 导入 writes all or none."""
    _staff(request, "billing.change")
    community, communities = _posted_community(request)
    ctx = _page(request, community, communities)
    upload = request.FILES.get("file")
    dry_run = request.POST.get("action") != "import"
    try:
        if upload is None:
            raise ApplicationError(_("请选择要导入的 Excel 文件"), code="file_required")
        meters.check_xlsx_upload(upload.file, upload.size)
        result = meters.meter_readings_import(
            community=community,
            actor=request.user,
            source=upload.file,
            dry_run=dry_run,
            filename=upload.name,
        )
    except ApplicationError as exc:
        ctx["import_error"] = exc.message
        return _render(request, "billing/meters.html", ctx, status=400)
    if result.ok and not dry_run:
        messages.success(
            request, _("导入完成：新增 %(n)s 个读数") % {"n": result.created}
        )
        return redirect(reverse("billing:meter_list") + f"?community={community.pk}")
    ctx.update(result=result, filename=upload.name)
    return _render(
        request, "billing/meters.html", ctx, status=200 if result.ok else 400
    )


@login_required
@require_GET
def meter_template(request: HttpRequest) -> FileResponse:
    """The empty import workbook with the column headers and instructions."""
    _staff(request, "billing.change")
    handle = tempfile.TemporaryFile()
    meters.import_template(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename="抄表读数导入模板.xlsx",
        content_type=XLSX_TYPE,
    )
