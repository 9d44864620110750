"""Billing API: prepayment incentives (预缴优惠), prepayments at the counter (预缴) and
discount requests approved by a manager (减免审批)."""

from __future__ import annotations

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
from anju.core.errors import ValidationFailed
from anju.estates.models import House

from .. import prepay, services
from ..choices import Channel, DiscountKind, DiscountStatus, IncentiveKind
from ..models import BillLine, DiscountLine, Prepayment, PrepaymentIncentive
from .review import DecideSerializer, ReviewQueueMixin
from .views import IDEMPOTENCY_HEADER


class IncentiveSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = PrepaymentIncentive
        fields = [
            "id",
            "community",
            "name",
            "min_months",
            "kind",
            "percent",
            "free_months",
            "valid_from",
            "valid_to",
            "approved_by",
            "created_at",
            "description",
        ]
        read_only_fields = ["id", "approved_by", "created_at", "description"]


class IncentiveCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=50)
    min_months = serializers.IntegerField(min_value=1, max_value=prepay.MAX_MONTHS)
    kind = serializers.ChoiceField(choices=IncentiveKind.choices)
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    free_months = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)


class IncentiveEndSerializer(serializers.Serializer):
    valid_to = serializers.DateField()


class IncentiveViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """预缴优惠 of the user's communities (`?community=`); managers create and end
    them (`billing.approve`)."""

    queryset_model = PrepaymentIncentive
    serializer_class = IncentiveSerializer
    permission_classes = [RolePermission]
    change_permission = "billing.approve"
    filterset_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().order_by("community_id", "-min_months", "-id")

    @extend_schema(
        request=IncentiveCreateSerializer,
        responses={
            201: IncentiveSerializer,
            400: OpenApiResponse(description="validation_error / incentive_invalid"),
            404: OpenApiResponse(description="小区不存在或无权访问"),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        from ..selectors import pick_community

        data = IncentiveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        community, _all = pick_community(request.user, values.pop("community"))
        incentive = prepay.prepayment_incentive_create(
            community=community, actor=request.user, **values
        )
        return Response(
            IncentiveSerializer(incentive).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=IncentiveEndSerializer,
        responses={200: IncentiveSerializer, 400: OpenApiResponse(description="")},
        description="结束预缴优惠：截止日期（含）之后不再适用；已给出的减免保留。",
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        incentive = self.get_object()
        data = IncentiveEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incentive = prepay.prepayment_incentive_end(
            incentive=incentive,
            actor=request.user,
            valid_to=data.validated_data["valid_to"],
        )
        return Response(IncentiveSerializer(incentive).data)


class PrepaymentSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(
        source="payment.receipt.number", read_only=True, default=None
    )
    incentive_name = serializers.CharField(
        source="incentive.name", read_only=True, default=None
    )

    class Meta:
        model = Prepayment
        fields = [
            "id",
            "community",
            "house",
            "months",
            "period_start",
            "period_end",
            "gross",
            "discount",
            "net",
            "incentive",
            "incentive_name",
            "source",
            "bill",
            "payment",
            "receipt_number",
            "created_at",
        ]
        read_only_fields = fields


class PrepaymentCreateSerializer(serializers.Serializer):
    house = ScopedPrimaryKeyRelatedField(queryset=House.objects.all())
    months = serializers.IntegerField(min_value=1, max_value=prepay.MAX_MONTHS)
    channel = serializers.ChoiceField(choices=Channel.choices)


class PrepaymentQuoteSerializer(serializers.Serializer):
    house = serializers.IntegerField()
    months = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    gross = serializers.DecimalField(max_digits=14, decimal_places=2)
    discount = serializers.DecimalField(max_digits=14, decimal_places=2)
    net = serializers.DecimalField(max_digits=14, decimal_places=2)
    incentive = serializers.IntegerField(allow_null=True)
    incentive_name = serializers.CharField(allow_null=True)


class PrepaymentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """预缴: prepayments (`?house=`; owners see their houses'); POST takes one at the
    counter with an Idempotency-Key; `quote/` says what N months cost."""

    queryset_model = Prepayment
    serializer_class = PrepaymentSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = ("payment__receipt", "incentive")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        house = self.request.query_params.get("house", "")
        if house.isdigit():
            qs = qs.filter(house_id=int(house))
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("house", int, description="房屋ID")])
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=PrepaymentCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: PrepaymentSerializer,
            200: PrepaymentSerializer,
            400: OpenApiResponse(
                description="validation_error / billing_prepay_unavailable / "
                "billing_prepay_months_invalid / idempotency_key_required"
            ),
            409: OpenApiResponse(
                description="billing_prepay_conflict / payment_idempotency_key_reused"
            ),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ValidationFailed(
                "缺少 Idempotency-Key 请求头",
                code="idempotency_key_required",
                fields={"Idempotency-Key": ["必填"]},
            )
        data = PrepaymentCreateSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        house = data.validated_data["house"]
        replay = Prepayment.objects.filter(
            payment__company_id=house.community.company_id,
            payment__idempotency_key=key,
        ).exists()
        prepayment = prepay.prepayment_record(
            house=house,
            months=data.validated_data["months"],
            channel=data.validated_data["channel"],
            idempotency_key=key,
            actor=request.user,
        )
        prepayment = self.get_queryset().get(pk=prepayment.pk)
        return Response(
            PrepaymentSerializer(prepayment).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("house", int, required=True, description="房屋ID"),
            OpenApiParameter("months", int, required=True, description="预缴月数"),
        ],
        responses={
            200: PrepaymentQuoteSerializer,
            400: OpenApiResponse(description=""),
        },
        description="预缴报价：接下来未出账的N个月物业费、适用的预缴优惠与实收金额。",
    )
    @action(detail=False, methods=["get"])
    def quote(self, request: Request) -> Response:
        house_id = request.query_params.get("house", "")
        months = request.query_params.get("months", "")
        house = (
            House.objects.visible_to(request.user)
            .select_related("community")
            .filter(pk=int(house_id))
            .first()
            if house_id.isdigit()
            else None
        )
        if house is None or not months.isdigit():
            raise ValidationFailed(
                "请指定房屋和预缴月数",
                fields={"house": ["必填"], "months": ["必填"]},
            )
        plan = prepay.prepayment_plan(house, int(months))
        return Response(
            {
                "house": house.pk,
                "months": plan.months,
                "period_start": plan.period_start,
                "period_end": plan.period_end,
                "gross": str(plan.gross),
                "discount": str(plan.discount),
                "net": str(plan.net),
                "incentive": plan.incentive.pk if plan.incentive else None,
                "incentive_name": plan.incentive.name if plan.incentive else None,
            }
        )


class DiscountSerializer(serializers.ModelSerializer):
    house = serializers.IntegerField(source="line.house_id", read_only=True)

    class Meta:
        model = DiscountLine
        fields = [
            "id",
            "community",
            "house",
            "line",
            "kind",
            "amount",
            "reason",
            "status",
            "approved_by",
            "approved_at",
            "decision_note",
            "incentive",
            "compensation",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class DiscountRequestSerializer(serializers.Serializer):
    line = ScopedPrimaryKeyRelatedField(queryset=BillLine.objects.all())
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=services.ZERO
    )
    kind = serializers.ChoiceField(choices=DiscountKind.choices)
    reason = serializers.CharField(max_length=200)


class DiscountViewSet(
    ReviewQueueMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """减免: discounts of the user's communities (`?status=requested`, `?house=`);
    POST asks for one (`billing.change`); `decide/` approves or rejects it
    (`billing.approve`, never one's own request)."""

    queryset_model = DiscountLine
    serializer_class = DiscountSerializer
    permission_classes = [RolePermission]
    filterset_class = None
    select_related = ("line",)
    status_choices = DiscountStatus
    house_path = "line__house_id"

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=DiscountStatus.values),
            OpenApiParameter("house", int, description="房屋ID"),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=DiscountRequestSerializer,
        responses={
            201: DiscountSerializer,
            400: OpenApiResponse(
                description="validation_error / discount_amount_invalid"
            ),
            409: OpenApiResponse(description="billing_line_locked"),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        data = DiscountRequestSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        discount = services.discount_request(actor=request.user, **data.validated_data)
        return Response(
            DiscountSerializer(discount).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=DecideSerializer,
        responses={
            200: DiscountSerializer,
            403: OpenApiResponse(description="discount_self_approval"),
            409: OpenApiResponse(
                description="discount_already_decided / discount_exceeds_outstanding"
                " / billing_line_locked"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        discount = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        discount = services.discount_decide(
            discount=discount,
            actor=request.user,
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return Response(DiscountSerializer(discount).data)
