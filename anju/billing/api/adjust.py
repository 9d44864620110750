"""Billing API for the cashier's adjustments (`billing.change`): split and merge unpaid
bill lines (拆分 / 合并), set a house's prepayment credit against its bills (预收冲抵),
carry out the service desk's approved compensations (工单补偿入账)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.api import ScopedPrimaryKeyRelatedField
from anju.estates.models import House

from .. import adjust, compensations, services
from ..models import BillLineChange
from . import serializers as s
from .reports import needs

ERRORS = {
    400: OpenApiResponse(
        description="validation_error / billing_split_sum_mismatch / "
        "billing_split_amount_invalid / billing_split_parts_invalid / "
        "billing_split_due_dates_invalid / billing_merge_lines_invalid"
    ),
    404: OpenApiResponse(description="小区不存在或无权访问"),
    409: OpenApiResponse(description="billing_line_locked（已缴费、部分缴费或已减免）"),
}


def _answer(change: BillLineChange) -> Response:
    change = BillLineChange.objects.prefetch_related(
        "originals__fee_item", "replacements__fee_item"
    ).get(pk=change.pk)
    return Response(
        s.BillLineChangeSerializer(change).data, status=status.HTTP_201_CREATED
    )


class LineSplitView(APIView):
    """拆分: one unpaid line into instalments; the original is kept (`superseded`)."""

    permission_classes = [needs("billing.change")]

    @extend_schema(
        request=s.LineSplitSerializer,
        responses={201: s.BillLineChangeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.LineSplitSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        line = data.validated_data["line"]
        amounts = data.validated_data.get("amounts") or adjust.equal_parts(
            line.amount, data.validated_data["parts"]
        )
        change = adjust.bill_line_split(
            line=line,
            actor=request.user,
            amounts=amounts,
            due_dates=data.validated_data.get("due_dates"),
            reason=data.validated_data["reason"],
        )
        return _answer(change)


class LineMergeView(APIView):
    """合并: unpaid lines of one house and fee item into one line (a bill of its own)."""

    permission_classes = [needs("billing.change")]

    @extend_schema(
        request=s.LineMergeSerializer,
        responses={201: s.BillLineChangeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.LineMergeSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        change = adjust.bill_lines_merge(
            lines=data.validated_data["lines"],
            actor=request.user,
            due_date=data.validated_data.get("due_date"),
            reason=data.validated_data["reason"],
        )
        return _answer(change)


class CreditApplyInput(serializers.Serializer):
    house = ScopedPrimaryKeyRelatedField(queryset=House.objects.all())


class CreditApplyView(APIView):
    """预收冲抵: set the house's prepayment credit against its open lines, oldest first
    (idempotent: nothing happens once the credit or the open lines are used up)."""

    permission_classes = [needs("billing.change")]

    @extend_schema(
        request=CreditApplyInput,
        responses={
            200: inline_serializer(
                "CreditApplied",
                {
                    "house": serializers.IntegerField(),
                    "applied": serializers.DecimalField(
                        max_digits=14, decimal_places=2
                    ),
                    "credit": serializers.DecimalField(max_digits=14, decimal_places=2),
                    "allocations": s.AllocationSerializer(many=True),
                },
            ),
            400: OpenApiResponse(description="validation_error"),
        },
    )
    def post(self, request: Request) -> Response:
        data = CreditApplyInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        house = data.validated_data["house"]
        applied = services.credit_apply(house=house, actor=request.user)
        return Response(
            {
                "house": house.pk,
                "applied": str(applied.total),
                "credit": str(services.house_credit_balance(house)),
                "allocations": s.AllocationSerializer(
                    applied.allocations, many=True
                ).data,
            }
        )


class CompensationsApplyInput(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)


class CompensationsApplyView(APIView):
    """工单补偿入账: the community's approved, unbilled compensations become approved
    discount lines on the houses' unpaid property fee (billing runs do it after each
    run). `waiting`: houses owing less property fee than the compensation."""

    permission_classes = [needs("billing.change")]

    @extend_schema(
        request=CompensationsApplyInput,
        responses={
            200: inline_serializer(
                "CompensationsApplied",
                {
                    "community": serializers.IntegerField(),
                    "applied": serializers.ListField(child=serializers.IntegerField()),
                    "waiting": serializers.ListField(child=serializers.IntegerField()),
                    "total": serializers.DecimalField(max_digits=14, decimal_places=2),
                },
            ),
            404: OpenApiResponse(description="小区不存在或无权访问"),
        },
    )
    def post(self, request: Request) -> Response:
        from ..selectors import pick_community

        data = CompensationsApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        community, _all = pick_community(request.user, data.validated_data["community"])
        done = compensations.compensations_apply(
            community=community, actor=request.user
        )
        return Response(
            {
                "community": community.pk,
                "applied": [c.pk for c in done.applied],
                "waiting": [c.pk for c in done.waiting],
                "total": str(done.total),
            }
        )
