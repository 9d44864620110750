"""Billing API shapes. Amounts, statuses and community are never client-writable."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from anju.core.api import ScopedPrimaryKeyRelatedField
from anju.estates.models import House

from ..choices import Channel
from ..models import Bill, BillLine, Payment, PaymentAllocation


class BillLineSerializer(serializers.ModelSerializer):
    fee_item_name = serializers.CharField(source="fee_item.name", read_only=True)

    class Meta:
        model = BillLine
        fields = [
            "id",
            "fee_item",
            "fee_item_name",
            "kind",
            "description",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "months",
            "days",
            "month_days",
            "rate",
            "amount",
            "discount_amount",
            "paid_amount",
            "status",
        ]
        read_only_fields = fields


class BillSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)
    lines = BillLineSerializer(many=True, read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "community",
            "house",
            "house_number",
            "period_start",
            "period_end",
            "total",
            "discount_total",
            "paid_total",
            "status",
            "lines",
        ]
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentAllocation
        fields = ["line", "amount"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)
    receipt_number = serializers.CharField(source="receipt.number", read_only=True)
    amount_in_words = serializers.CharField(
        source="receipt.amount_in_words", read_only=True
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "community",
            "house",
            "kind",
            "channel",
            "amount",
            "credit_amount",
            "received_at",
            "reversal_of",
            "receipt_number",
            "amount_in_words",
            "allocations",
        ]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    """A payment to record; the Idempotency-Key header names the request."""

    house = ScopedPrimaryKeyRelatedField(queryset=House.objects.all())
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False
    )


class PaymentReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
