"""服务台看板: the service-desk report of one community and month, with charts and Excel.

The figures come from `reports.servicedesk_report`; the page draws them as SVG charts
(`anju.core.charts`), the export writes the same figures to .xlsx. Both need
`servicedesk.report` and a community the user works in (another one is a 404).
"""

from __future__ import annotations

import io
from datetime import datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anju.core.charts import bar_chart, column_chart, labelled
from anju.core.errors import ValidationFailed
from anju.estates.models import Community

from .choices import Category, Channel, Status, TicketType
from .reports import month_bounds, servicedesk_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportQueryError(ValidationFailed):
    """月份格式有误。"""

    code = "report_invalid_month"


def report_params(user: Any, community_id: Any, month: Any) -> dict[str, Any]:
    """The community (visible to the user) and month of a report request.

    Raises Http404 for a community outside the user's scope and ReportQueryError
    (code `report_invalid_month`) for a month that is not YYYY-MM."""
    communities = list(
        Community.objects.visible_to(user).order_by("name").only("pk", "name")
    )
    if not communities:
        raise Http404
    chosen = communities[0]
    if community_id not in (None, ""):
        chosen = next((c for c in communities if str(c.pk) == str(community_id)), None)
        if chosen is None:
            raise Http404
    try:
        first, following = month_bounds(month or None)
    except (ValueError, TypeError) as exc:
        raise ReportQueryError(
            _("月份格式应为 YYYY-MM，例如 2026-11"), fields={"month": ["YYYY-MM"]}
        ) from exc
    tz = timezone.get_current_timezone()
    return {
        "communities": communities,
        "community": chosen,
        "month": first.strftime("%Y-%m"),
        "start": datetime.combine(first, time.min, tzinfo=tz),
        "end": datetime.combine(following, time.min, tzinfo=tz),
    }


def _guard(request: HttpRequest) -> None:
    user = request.user
    if user.is_owner_account or not user.has_role_perm("servicedesk.report"):
        raise Http404


def report_figures(params: dict[str, Any]) -> dict[str, Any]:
    return servicedesk_report(
        community_id=params["community"].pk, start=params["start"], end=params["end"]
    )


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value}%"


def _summary(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    def minutes(value: Any) -> str:
        return "—" if value is None else _("%(n)s 分钟") % {"n": value}

    return [
        (_("工单总数"), figures["total"]),
        (_("未结工单"), figures["open"]),
        (_("SLA 达成率"), _pct(figures["sla_attainment_pct"])),
        (_("受理用时中位数"), minutes(figures["ack_minutes_median"])),
        (_("受理用时 P90"), minutes(figures["ack_minutes_p90"])),
        (_("解决用时中位数"), minutes(figures["resolve_minutes_median"])),
        (_("解决用时 P90"), minutes(figures["resolve_minutes_p90"])),
        (
            _("满意度均分"),
            "—" if figures["satisfaction_avg"] is None else figures["satisfaction_avg"],
        ),
        (_("满意（4–5 分）占比"), _pct(figures["satisfaction_good_pct"])),
        (_("回访完成率"), _pct(figures["visit_completion_pct"])),
        (_("重复投诉"), figures["repeat_complaints"]),
    ]


BREAKDOWNS = (
    ("by_type", TicketType, "按类型"),
    ("by_category", Category, "按类别"),
    ("by_channel", Channel, "按渠道"),
    ("by_status", Status, "按状态"),
)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    _guard(request)
    try:
        params = report_params(
            request.user,
            request.GET.get("community") or request.community_id,
            request.GET.get("month"),
        )
    except ReportQueryError as exc:
        params = report_params(
            request.user, request.GET.get("community") or request.community_id, None
        )
        params["error"] = exc.message
    figures = report_figures(params)
    charts = [
        bar_chart(
            labelled(figures[key], choices),
            title=_(title),
            skip_zero=key == "by_category",
        )
        for key, choices, title in BREAKDOWNS
    ]
    trend = column_chart(
        [(day[5:], n) for day, n in figures["by_day"]], title=_("每日新增工单")
    )
    return render(
        request,
        "servicedesk/report.html",
        {
            **params,
            "figures": figures,
            "summary": _summary(figures),
            "charts": [
                (_(title), chart)
                for (_key, _c, title), chart in zip(BREAKDOWNS, charts, strict=True)
            ],
            "trend": trend,
        },
    )


def report_workbook(params: dict[str, Any], figures: dict[str, Any]) -> bytes:
    """The report as .xlsx: a summary sheet, one sheet per breakdown, the daily series."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("汇总")
    sheet.append([_("服务台报表"), params["community"].name, params["month"]])
    sheet["A1"].font = bold
    sheet.append([])
    for label, value in _summary(figures):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 16
    for key, choices, title in BREAKDOWNS:
        page = workbook.create_sheet(_(title))
        page.append([_("项目"), _("工单数")])
        for label, count in labelled(figures[key], choices):
            page.append([label, count])
        page.column_dimensions["A"].width = 16
    daily = workbook.create_sheet(_("每日"))
    daily.append([_("日期"), _("新增工单")])
    for day, count in figures["by_day"]:
        daily.append([day, count])
    daily.column_dimensions["A"].width = 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    _guard(request)
    try:
        params = report_params(
            request.user,
            request.GET.get("community") or request.community_id,
            request.GET.get("month"),
        )
    except ReportQueryError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain")
    data = report_workbook(params, report_figures(params))
    name = f"服务台报表-{params['community'].name}-{params['month']}.xlsx"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_TYPE
    )
