"""GET /api/v1/servicedesk/report/: the figures of the 服务台报表 page as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..report_views import report_figures, report_params


class CanReport(BasePermission):
    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and not user.is_owner_account
            and user.has_role_perm("servicedesk.report")
        )


class ServiceDeskReportView(APIView):
    """服务台报表: counts by type, category, channel and status; SLA attainment; median
    and p90 minutes to acknowledge and to resolve; satisfaction; return-visit
    completion; repeat complaints; new tickets per day. One community, one month."""

    permission_classes = [CanReport]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "community",
                OpenApiTypes.INT,
                description="小区ID（默认：第一个可见小区）",
            ),
            OpenApiParameter(
                "month", OpenApiTypes.STR, description="月份 YYYY-MM（默认：本月）"
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="报表数据"),
            400: OpenApiResponse(description="report_invalid_month"),
            404: OpenApiResponse(description="小区不存在或无权访问"),
        },
    )
    def get(self, request: Request) -> Response:
        params = report_params(
            request.user,
            request.query_params.get("community"),
            request.query_params.get("month"),
        )
        figures = report_figures(params)
        return Response(
            {
                "community": params["community"].pk,
                "month": params["month"],
                **figures,
                "by_day": [{"date": d, "count": n} for d, n in figures["by_day"]],
            }
        )
