"""Billing API: refunds with a second person's review (退款审批).

`GET /api/v1/refunds/` lists the refund requests of the user's communities (owners:
their houses'); `POST` asks for one (`billing.change`); `POST /{id}/decide/` approves
or rejects it (`billing.approve`, never one's own request)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.api import (
    RolePermission,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSetMixin,
)

from .. import refunds
from ..choices import Channel, RefundKind, RefundStatus
from ..models import BillLine, Payment, Refund
from .review import DecideSerializer, ReviewQueueMixin

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="可选：同一键重复提交只记一笔退款申请，返回第一次的结果",
)


def _fresh(refund: Refund) -> Refund:
    return Refund.objects.select_related(
        "house", "payment__receipt", "refund_payment__receipt"
    ).get(pk=refund.pk)


class RefundSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)
    payment_receipt_number = serializers.CharField(
        source="payment.receipt.number", read_only=True
    )
    refund_receipt_number = serializers.CharField(
        source="refund_payment.receipt.number", read_only=True, default=None
    )

    class Meta:
        model = Refund
        fields = [
            "id",
            "community",
            "house",
            "house_number",
            "kind",
            "payment",
            "payment_receipt_number",
            "line",
            "amount",
            "channel",
            "reason",
            "status",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "refund_payment",
            "refund_line",
            "refund_receipt_number",
        ]
        read_only_fields = fields


class RefundCreateSerializer(serializers.Serializer):
    """A refund of a payment's prepayment credit (`payment`) or of a paid one-off line
    such as a deposit (`line`): exactly one of the two."""

    payment = ScopedPrimaryKeyRelatedField(
        queryset=Payment.objects.all(), required=False
    )
    line = ScopedPrimaryKeyRelatedField(queryset=BillLine.objects.all(), required=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    reason = serializers.CharField(max_length=200)


class RefundViewSet(
    ReviewQueueMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """退款申请 of the user's communities (`?status=requested`, `?house=`,
    `?community=`); POST asks for one (`billing.change`); `decide/` approves or
    rejects it (`billing.approve`, never one's own request)."""

    queryset_model = Refund
    serializer_class = RefundSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = ("house", "payment__receipt", "refund_payment__receipt")

    status_choices = RefundStatus

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        kind = self.request.query_params.get("kind", "")
        if kind in RefundKind.values:
            qs = qs.filter(kind=kind)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=RefundStatus.values),
            OpenApiParameter("kind", str, enum=RefundKind.values),
            OpenApiParameter("house", int, description="房屋ID"),
            OpenApiParameter("community", int, description="小区ID"),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=RefundCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: RefundSerializer,
            200: RefundSerializer,
            400: OpenApiResponse(
                description="validation_error / refund_target_invalid / "
                "refund_amount_invalid / refund_channel_invalid / "
                "refund_reason_required"
            ),
            404: OpenApiResponse(description="community_not_found"),
            409: OpenApiResponse(
                description="refund_not_refundable / refund_idempotency_key_reused"
            ),
        },
        description="申请退款：预收款（payment）或已缴清的押金等一次性费用（line），"
        "金额不超过可退金额（含待审批的申请）；经他人审批后才退款。",
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        data = RefundCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()
        before = (
            set(Refund.objects.filter(idempotency_key=key).values_list("pk", flat=True))
            if key
            else set()
        )
        refund = refunds.refund_request(
            actor=request.user,
            payment=values.get("payment"),
            line=values.get("line"),
            amount=values["amount"],
            channel=values["channel"],
            reason=values["reason"],
            idempotency_key=key,
        )
        refund = _fresh(refund)
        replay = refund.pk in before
        return Response(
            RefundSerializer(refund).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=DecideSerializer,
        responses={
            200: RefundSerializer,
            400: OpenApiResponse(description="refund_note_required"),
            403: OpenApiResponse(description="refund_self_approval"),
            404: OpenApiResponse(description="not_found"),
            409: OpenApiResponse(
                description="refund_already_decided / refund_exceeds_refundable / "
                "refund_not_refundable"
            ),
        },
        description="审批退款：批准即生成负数退款收款（引用原收款）、退款凭证，"
        "押金类另生成退还明细；驳回须填写意见。本人不能审批本人的申请。",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        refund = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refunds.refund_decide(
            refund=refund,
            actor=request.user,
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return Response(RefundSerializer(_fresh(refund)).data)
