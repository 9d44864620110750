"""Online payment API: create a payment order (owner or cashier) and read it back."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from anju.estates.models import House

from .. import online
from ..choices import IntentPurpose, PayProvider
from ..models import PaymentIntent


class PaymentIntentSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)
    receipt_number = serializers.SerializerMethodField()

    class Meta:
        model = PaymentIntent
        fields = [
            "id",
            "community",
            "house",
            "house_number",
            "purpose",
            "amount",
            "line_ids",
            "months",
            "provider",
            "out_trade_no",
            "status",
            "payment",
            "receipt_number",
            "created_at",
            "expires_at",
            "paid_at",
        ]
        read_only_fields = fields

    def get_receipt_number(self, obj: PaymentIntent) -> str | None:
        receipt = getattr(obj.payment, "receipt", None) if obj.payment_id else None
        return receipt.number if receipt else None


class PaymentIntentCreatedSerializer(PaymentIntentSerializer):
    redirect_url = serializers.CharField(
        read_only=True, help_text="把业主带去支付的地址（微信H5、支付宝或模拟收银台）"
    )

    class Meta(PaymentIntentSerializer.Meta):
        fields = [*PaymentIntentSerializer.Meta.fields, "redirect_url"]
        read_only_fields = fields


class PaymentIntentCreateSerializer(serializers.Serializer):
    """What to pay: chosen lines (all unpaid lines when omitted) or N months ahead."""

    house = ScopedPrimaryKeyRelatedField(queryset=House.objects.all())
    provider = serializers.ChoiceField(choices=PayProvider.choices)
    purpose = serializers.ChoiceField(
        choices=IntentPurpose.choices, default=IntentPurpose.BILLS
    )
    line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False
    )
    months = serializers.IntegerField(
        min_value=1, max_value=online.MAX_PREPAY_MONTHS, required=False
    )


class PaymentIntentPermission:
    """Owners create and read their own houses' orders; staff read with billing.view
    and create (as cashiers) with billing.change."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(user, "is_owner_account", False):
            return True
        perm = "billing.change" if request.method == "POST" else "billing.view"
        return bool(user.has_role_perm(perm))

    def has_object_permission(self, request, view, obj) -> bool:  # type: ignore[no-untyped-def]
        return True


class PaymentIntentViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Online payment orders (在线支付订单). The payment itself is recorded only by the
    provider's verified callback; poll the order for `status` = `paid`."""

    queryset_model = PaymentIntent
    serializer_class = PaymentIntentSerializer
    permission_classes = [PaymentIntentPermission]
    filterset_class = None
    select_related = ("house", "payment__receipt")

    @extend_schema(
        request=PaymentIntentCreateSerializer,
        responses={
            201: PaymentIntentCreatedSerializer,
            400: OpenApiResponse(
                description="validation_error / billing_line_not_payable / "
                "online_payment_nothing_due / online_payment_provider_disabled"
            ),
            403: OpenApiResponse(description="permission_denied"),
            503: OpenApiResponse(description="online_payment_provider_unavailable"),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        data = PaymentIntentCreateSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        intent = online.payment_intent_create(
            actor=request.user,
            house=values["house"],
            provider=values["provider"],
            purpose=values["purpose"],
            line_ids=values.get("line_ids"),
            months=values.get("months", 0),
        )
        result = reverse("portal_billing:intent_detail", args=[intent.pk])
        order = online.payment_intent_start(
            intent=intent,
            notify_base=request.build_absolute_uri("/"),
            return_url=request.build_absolute_uri(result),
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
        intent = self.get_queryset().get(pk=intent.pk)
        intent.redirect_url = order.redirect_url
        return Response(
            PaymentIntentCreatedSerializer(intent).data, status=status.HTTP_201_CREATED
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        intent = online.payment_intent_refresh(intent=self.get_object())
        return Response(self.get_serializer(intent).data)
