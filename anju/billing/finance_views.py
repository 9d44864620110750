"""财务报表: the finance dashboard of a community and period, with charts and Excel.

The figures come from `finance.finance_report`; the page draws them as SVG charts
(`anju.core.charts`), the export writes the same figures to .xlsx. Both need
`billing.view` and a community the user works in (another one is a 404).
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anju.core.charts import bar_chart, column_chart

from . import aging, finance, selectors
from .views import XLSX_TYPE, _render, _staff


def finance_params(request: HttpRequest, params: Any) -> dict[str, Any]:
    """Community (visible to the user, else Http404) and period of a report request.

    Raises FinancePeriodInvalid (`finance_period_invalid`) for a malformed period."""
    community, communities = selectors.pick_community(
        request.user, params.get("community") or getattr(request, "community_id", None)
    )
    today = timezone.localdate()
    return {
        "community": community,
        "communities": communities,
        "period": finance.period_from_params(params, today),
        "today": today,
    }


def build_report(request: HttpRequest, p: dict[str, Any]) -> finance.FinanceReport:
    return finance.finance_report(
        user=request.user,
        community=p["community"],
        communities=p["communities"],
        period=p["period"],
        today=p["today"],
    )


def _charts(r: finance.FinanceReport) -> dict[str, Any]:
    return {
        "rate_chart": column_chart(
            [
                (_("%(m)s月") % {"m": int(m.label[5:])}, m.collection_rate or 0)
                for m in r.months
            ],
            title=_("每月收缴率（%）"),
            unit="%",
        ),
        "item_chart": bar_chart(
            [(f["label"], f["amount"]) for f in r.fee_items],
            title=_("按收费项目（元）"),
            unit=_("元"),
        ),
        "channel_chart": bar_chart(
            [(c.label, c.net) for c in r.channels],
            title=_("按收款方式（元）"),
            unit=_("元"),
            skip_zero=True,
        ),
        "aging_chart": bar_chart(
            aging.chart_items(r.aging), title=_("欠费账龄（元）"), unit=_("元")
        ),
    }


@login_required
@require_GET
def finance_page(request: HttpRequest) -> HttpResponse:
    """财务报表: rates by month, community and building; income; aging; dunning."""
    _staff(request)
    error = ""
    try:
        p = finance_params(request, request.GET)
    except finance.FinancePeriodInvalid as exc:
        params = {"community": request.GET.get("community")}
        p = finance_params(request, params)
        error = exc.message
    report = build_report(request, p)
    return _render(
        request,
        "billing/finance.html",
        {
            **p,
            "r": report,
            "error": error,
            "summary": finance.summary_pairs(report),
            "periods": finance.period_choices(p["today"]),
            "query": f"community={p['community'].pk}&{p['period'].query}",
            "buckets": aging.BUCKETS,
            **_charts(report),
        },
    )


@login_required
@require_GET
def finance_xlsx(request: HttpRequest) -> HttpResponse:
    _staff(request)
    try:
        p = finance_params(request, request.GET)
    except finance.FinancePeriodInvalid as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain")
    data = finance.workbook(build_report(request, p))
    name = f"财务报表-{p['community'].name}-{p['period'].label}.xlsx"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_TYPE
    )
