"""Billing API: read bills and payments; record a payment with an Idempotency-Key."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection, transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.api import RolePermission, ScopedViewSetMixin
from anju.core.errors import ApplicationError, NotFound, ValidationFailed
from anju.estates.models import House

from .. import services
from ..models import Bill, Payment
from . import serializers as s

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="同一键重复提交只记一笔收款，返回第一次的结果",
)


def _house_filter(qs, request: Request):  # type: ignore[no-untyped-def]
    house = request.query_params.get("house", "")
    return qs.filter(house_id=int(house)) if house.isdigit() else qs


class BillViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Bills (账单) with their lines; `?house=` narrows to one house."""

    queryset_model = Bill
    serializer_class = s.BillSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = ("house",)
    prefetch_related = ("lines__fee_item",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _house_filter(super().get_queryset(), self.request).order_by(
            "-period_start", "-id"
        )

    @extend_schema(
        parameters=[OpenApiParameter("house", int, description="房屋ID")],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)


class PaymentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Payments (收款) with allocations and receipt numbers; POST records one."""

    queryset_model = Payment
    serializer_class = s.PaymentSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = ("receipt",)
    prefetch_related = ("allocations",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _house_filter(super().get_queryset(), self.request).order_by(
            "-received_at", "-id"
        )

    @extend_schema(
        parameters=[OpenApiParameter("house", int, description="房屋ID")],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.PaymentCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.PaymentSerializer, 200: s.PaymentSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ValidationFailed(
                "缺少 Idempotency-Key 请求头",
                code="idempotency_key_required",
                fields={"Idempotency-Key": ["必填"]},
            )
        data = s.PaymentCreateSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        house = data.validated_data["house"]
        payment = services.payment_record(
            community=house.community,
            house=house,
            amount=data.validated_data["amount"],
            channel=data.validated_data["channel"],
            idempotency_key=key,
            actor=request.user,
            line_ids=data.validated_data.get("line_ids"),
        )
        replay = getattr(payment, "replayed", False)
        if replay:
            payment = self.get_queryset().get(pk=payment.pk)
        # A new payment is answered as written (its receipt is on it already); only its
        # allocations are read back.
        return Response(
            s.PaymentSerializer(payment).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.PaymentBatchSerializer,
        responses={200: s.PaymentBatchResponseSerializer},
        description=(
            "批量收款（银行代扣回盘、POS/支付平台结算文件）：每笔各自入账、各带幂等键；"
            "一笔出错（房屋不存在、金额无效、幂等键冲突…）只影响这一笔，结果逐笔返回"
            "（created / replayed / failed 及错误码）。"
        ),
    )
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        data = s.PaymentBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["payments"]
        houses = (
            House.objects.select_related("community")
            .visible_to(request.user)
            .in_bulk({item["house"] for item in items})
        )
        results: list[dict] = []
        # Each payment is atomic on its own (payment_record): a failed one leaves no
        # trace and does not stop the others; sent again with the same keys, a batch
        # records each payment once. On SQLite, whose one writer would be taken and
        # given up per payment, the batch is one transaction with a savepoint per
        # payment (cut off midway, it commits nothing). On PostgreSQL each payment
        # commits at once: one transaction would hold the receipt counter's row for the
        # whole batch and make concurrent batches queue.
        one_transaction = connection.vendor == "sqlite"
        with transaction.atomic() if one_transaction else nullcontext():
            for index, item in enumerate(items):
                house = houses.get(item["house"])
                try:
                    if house is None:
                        raise NotFound("房屋不存在或无权访问", code="house_not_found")
                    payment = services.payment_record(
                        community=house.community,
                        house=house,
                        amount=item["amount"],
                        channel=item["channel"],
                        idempotency_key=item["idempotency_key"],
                        actor=request.user,
                        line_ids=item.get("line_ids"),
                    )
                except ApplicationError as error:
                    results.append(
                        {
                            "index": index,
                            "status": "failed",
                            "payment": None,
                            "error": {"code": error.code, "message": error.message},
                        }
                    )
                    continue
                replayed = getattr(payment, "replayed", False)
                results.append(
                    {
                        "index": index,
                        "status": "replayed" if replayed else "created",
                        "payment": payment,
                        "error": None,
                    }
                )
        replayed_ids = [r["payment"].pk for r in results if r["status"] == "replayed"]
        if replayed_ids:  # the first payments, with their allocations and receipts
            first = self.get_queryset().in_bulk(replayed_ids)
            for r in results:
                if r["status"] == "replayed":
                    r["payment"] = first[r["payment"].pk]
        counts = {
            k: sum(r["status"] == k for r in results)
            for k in ("created", "replayed", "failed")
        }
        body = s.PaymentBatchResponseSerializer({**counts, "results": results}).data
        return Response(body)

    @extend_schema(
        request=s.PaymentReverseSerializer,
        responses={
            201: s.PaymentSerializer,
            400: OpenApiResponse(description="validation_error"),
            404: OpenApiResponse(description="not_found"),
            409: OpenApiResponse(
                description="payment_already_reversed / payment_invalid_transition"
            ),
        },
        description="冲正：负数收款、负数分配与红字收据，原收款保留；每笔收款只能冲正一次。",
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        payment = self.get_object()
        data = s.PaymentReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.payment_reverse(
            payment=payment, actor=request.user, reason=data.validated_data["reason"]
        )
        reversal = self.get_queryset().get(pk=reversal.pk)
        return Response(
            s.PaymentSerializer(reversal).data, status=status.HTTP_201_CREATED
        )
