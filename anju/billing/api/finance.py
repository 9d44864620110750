"""Finance report API (财务报表): the figures of the finance page as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import finance
from ..finance_views import build_report, finance_params
from .reports import COMMUNITY, needs


class FinanceView(APIView):
    """财务报表 of a community and period: collection rate (收缴率) and arrears
    recovery rate (清欠率) for the period, per month, per community the caller works
    in and per building; income per channel and per fee item (reversals and refunds
    reduce the period they are made in); arrears aging at the period's end (or
    today); dunning effectiveness for callers with `dunning.view` (else `null`).
    Amounts are strings with two decimals, rates strings with one decimal (percent)
    or null when there is nothing to divide by."""

    permission_classes = [needs("billing.view")]

    @extend_schema(
        parameters=[
            COMMUNITY,
            OpenApiParameter(
                "year", OpenApiTypes.INT, description="年份（默认：今年）"
            ),
            OpenApiParameter(
                "quarter", OpenApiTypes.INT, description="季度 1–4（与 month 二选一）"
            ),
            OpenApiParameter(
                "month", OpenApiTypes.INT, description="月份 1–12（与 quarter 二选一）"
            ),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="期间简写：2026、2026-Q1 或 2026-03（优先于 year/quarter/month）",
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="财务报表数据"),
            400: OpenApiResponse(description="finance_period_invalid"),
            404: OpenApiResponse(description="小区不存在或无权访问"),
        },
    )
    def get(self, request: Request) -> Response:
        p = finance_params(request, request.query_params)
        return Response(finance.as_json(build_report(request, p)))
