"""Billing API for the cashier's reports: receipts (and their PDF), the daily settlement,
arrears aging and late fees. Each answers only inside the user's communities."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.api import Pagination, RolePermission, ScopedViewSetMixin
from anju.core.errors import ValidationFailed
from anju.core.pdf import PDFRenderer, pdf_response

from .. import aging, latefees, receipt_pdf, selectors, settlement
from ..models import BillLine, Receipt
from ..views import aging_params, settlement_params


def needs(perm: str) -> type[BasePermission]:
    """Staff holding `perm` (owners never)."""

    class Staff(BasePermission):
        def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and not user.is_owner_account
                and user.has_role_perm(perm)
            )

    Staff.__name__ = f"Needs_{perm.replace('.', '_')}"
    return Staff


class ReceiptSerializer(serializers.ModelSerializer):
    house = serializers.IntegerField(source="payment.house_id", read_only=True)
    house_number = serializers.CharField(source="payment.house.number", read_only=True)
    kind = serializers.CharField(source="payment.kind", read_only=True)
    channel = serializers.CharField(source="payment.channel", read_only=True)
    reversal_of_number = serializers.SerializerMethodField()
    refund_of_number = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id",
            "number",
            "community",
            "payment",
            "house",
            "house_number",
            "kind",
            "channel",
            "amount",
            "amount_in_words",
            "issued_at",
            "reversal_of_number",
            "refund_of_number",
        ]
        read_only_fields = fields

    def get_reversal_of_number(self, obj: Receipt) -> str | None:
        original = obj.payment.reversal_of
        return original.receipt.number if original is not None else None

    def get_refund_of_number(self, obj: Receipt) -> str | None:
        """A refund's voucher (退款凭证): the receipt of the payment it gives back."""
        original = obj.payment.refund_of
        return original.receipt.number if original is not None else None


class ReceiptViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Receipts (收据) of the user's communities (owners: their houses'); `?house=`."""

    queryset_model = Receipt
    serializer_class = ReceiptSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = (
        "payment__house",
        "payment__reversal_of__receipt",
        "payment__refund_of__receipt",
    )

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        house = self.request.query_params.get("house", "")
        if house.isdigit():
            qs = qs.filter(payment__house_id=int(house))
        return qs.order_by("-issued_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("house", int, description="房屋ID")])
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="not_found"),
        },
        description="收据 PDF（红字冲正收据为负数并注明原收据号）；打印记入审计日志。",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        receipt = self.get_object()
        content = receipt_pdf.receipt_pdf(actor=request.user, receipt=receipt)
        return pdf_response(content, receipt_pdf.receipt_filename(receipt))


COMMUNITY = OpenApiParameter(
    "community", OpenApiTypes.INT, description="小区ID（默认：第一个可见小区）"
)


class SettlementView(APIView):
    """日结: receipts, reversals, totals per channel, cash expected in the drawer,
    receipt count and first/last numbers, and the reconciliation (平/不平) of one
    cashier (default: the caller; `cashier=all`: the whole community) on one day."""

    permission_classes = [needs("billing.change")]

    @extend_schema(
        parameters=[
            COMMUNITY,
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description="日期 YYYY-MM-DD（默认：今天）"
            ),
            OpenApiParameter(
                "cashier",
                OpenApiTypes.STR,
                description="收款员ID；all 为全部收款员（默认：本人）",
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="日结数据"),
            400: OpenApiResponse(description="validation_error"),
            404: OpenApiResponse(description="小区或收款员不存在或无权访问"),
        },
    )
    def get(self, request: Request) -> Response:
        p = settlement_params(request, request.query_params)
        if p["error"]:
            raise ValidationFailed(p["error"], fields={"date": ["YYYY-MM-DD"]})
        result = settlement.daily_settlement(
            community=p["community"], day=p["day"], cashier=p["cashier"]
        )
        return Response(settlement.as_json(result))


def _money(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if k in (*aging.KEYS, "total") else v) for k, v in row.items()}


class AgingView(APIView):
    """欠费账龄: arrears by days overdue (0–30, 31–90, 91–180, 181–365, >365) for the
    community, per building, or per house (paged, largest first)."""

    permission_classes = [needs("billing.view")]

    @extend_schema(
        parameters=[
            COMMUNITY,
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="截至日期（默认：今天）"
            ),
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(aging.LEVELS),
                description="汇总层级（默认 building）",
            ),
            OpenApiParameter("building", OpenApiTypes.INT, description="楼栋ID"),
            OpenApiParameter("q", OpenApiTypes.STR, description="房号前缀（by=house）"),
            OpenApiParameter("page", OpenApiTypes.INT, description="页码（by=house）"),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="账龄数据"),
            400: OpenApiResponse(description="validation_error"),
            404: OpenApiResponse(description="小区不存在或无权访问"),
        },
    )
    def get(self, request: Request) -> Response:
        p = aging_params(request, request.query_params)
        if p["error"]:
            raise ValidationFailed(p["error"], fields={"as_of": ["YYYY-MM-DD"]})
        cid = p["community"].pk
        body: dict[str, Any] = {
            "community": cid,
            "as_of": p["as_of"].isoformat(),
            "by": p["by"],
            "buckets": [
                {"key": b.key, "label": str(b.label), "low": b.low, "high": b.high}
                for b in aging.BUCKETS
            ],
            "totals": _money(
                aging.community_aging(
                    community_id=cid, as_of=p["as_of"], building_id=p["building_id"]
                )
            ),
        }
        if p["by"] == "building":
            body["rows"] = [
                _money(r)
                for r in aging.building_aging(community_id=cid, as_of=p["as_of"])
            ]
        elif p["by"] == "house":
            rows = aging.house_aging(
                community_id=cid,
                as_of=p["as_of"],
                building_id=p["building_id"],
                q=p["q"],
            )
            paginator = Pagination()
            page = paginator.paginate_queryset(rows, request, view=self)
            body["count"] = paginator.page.paginator.count
            body["count_capped"] = paginator.page.paginator.capped
            body["next"] = paginator.get_next_link()
            body["previous"] = paginator.get_previous_link()
            body["rows"] = [_money(aging.house_row(dict(r))) for r in page or []]
        return Response(body)


class LateFeeLineSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)

    class Meta:
        model = BillLine
        fields = [
            "id",
            "bill",
            "house",
            "house_number",
            "late_fee_of",
            "description",
            "period_start",
            "period_end",
            "days",
            "quantity",
            "unit_price",
            "amount",
            "paid_amount",
            "status",
        ]
        read_only_fields = fields


class LateFeeListView(APIView):
    """滞纳金 lines of a community, newest first (paged)."""

    permission_classes = [needs("billing.view")]

    @extend_schema(
        parameters=[COMMUNITY],
        responses={200: LateFeeLineSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        community, _all = selectors.pick_community(
            request.user,
            request.query_params.get("community")
            or getattr(request, "community_id", None),
        )
        qs = selectors.late_fee_lines(user=request.user, community_id=community.pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            LateFeeLineSerializer(page, many=True).data
        )


class LateFeeAssessInput(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    as_of = serializers.DateField()


class LateFeeAssessView(APIView):
    """Charge late fees up to `as_of` (idempotent per line and day; 409
    `late_fee_disabled` where the community has no late fees)."""

    permission_classes = [needs("billing.run")]

    @extend_schema(
        request=LateFeeAssessInput,
        responses={
            200: inline_serializer(
                "LateFeeAssessment",
                {
                    "community": serializers.IntegerField(),
                    "as_of": serializers.DateField(),
                    "line_count": serializers.IntegerField(),
                    "house_count": serializers.IntegerField(),
                    "total": serializers.DecimalField(max_digits=14, decimal_places=2),
                },
            ),
            400: OpenApiResponse(
                description="validation_error / late_fee_date_invalid"
            ),
            404: OpenApiResponse(description="小区不存在或无权访问"),
            409: OpenApiResponse(description="late_fee_disabled"),
        },
    )
    def post(self, request: Request) -> Response:
        data = LateFeeAssessInput(data=request.data)
        data.is_valid(raise_exception=True)
        community, _all = selectors.pick_community(
            request.user, data.validated_data["community"]
        )
        result = latefees.late_fees_assess(
            community=community,
            as_of=data.validated_data["as_of"],
            actor=request.user,
        )
        return Response(
            {
                "community": community.pk,
                "as_of": result.as_of.isoformat(),
                "line_count": result.line_count,
                "house_count": result.house_count,
                "total": str(result.total),
            },
            status=status.HTTP_200_OK,
        )
