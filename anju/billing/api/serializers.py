"""Billing API shapes. Amounts, statuses and community are never client-writable."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from anju.core.api import CachedFieldsMixin, ScopedPrimaryKeyRelatedField
from anju.estates.models import House

from ..choices import Channel
from ..models import Bill, BillLine, BillLineChange, Payment, PaymentAllocation


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
            "due_date",
            "replaced_by",
            "replacement_of",
            "refund_of",
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


class AllocationSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """The part of a payment that settles one bill line (negative for a reversal)."""

    class Meta:
        model = PaymentAllocation
        fields = ["payment", "line", "amount", "from_credit"]
        read_only_fields = fields


class PaymentSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """A payment (收款) with its allocations and receipt number; reversals and refunds
    are negative payments that point at the original."""

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
            "refund_of",
            "receipt_number",
            "amount_in_words",
            "allocations",
        ]
        read_only_fields = fields


class PaymentCreateSerializer(CachedFieldsMixin, serializers.Serializer):
    """A payment to record; the Idempotency-Key header names the request."""

    house = ScopedPrimaryKeyRelatedField(
        queryset=House.objects.select_related("community")
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False
    )


class PaymentBatchItemSerializer(CachedFieldsMixin, serializers.Serializer):
    """One payment of a batch; its idempotency key is in the item."""

    house = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    idempotency_key = serializers.CharField(max_length=80)
    line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False
    )


class PaymentBatchSerializer(serializers.Serializer):
    """Up to 500 payments at once: a bank's withholding results (银行代扣回盘), a POS
    or a payment platform's settlement file."""

    payments = PaymentBatchItemSerializer(many=True, min_length=1, max_length=500)


class PaymentBatchErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class PaymentBatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="该笔在请求中的位置（从0起）")
    status = serializers.ChoiceField(choices=["created", "replayed", "failed"])
    payment = PaymentSerializer(required=False, allow_null=True)
    error = PaymentBatchErrorSerializer(required=False, allow_null=True)


class PaymentBatchResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    replayed = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = PaymentBatchResultSerializer(many=True)


class PaymentReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class BillLineChangeSerializer(serializers.ModelSerializer):
    """A split or merge: the superseded lines and the lines that replace them."""

    originals = BillLineSerializer(many=True, read_only=True)
    replacements = BillLineSerializer(many=True, read_only=True)

    class Meta:
        model = BillLineChange
        fields = [
            "id",
            "kind",
            "community",
            "house",
            "amount",
            "reason",
            "created_by",
            "created_at",
            "originals",
            "replacements",
        ]
        read_only_fields = fields


class LineSplitSerializer(serializers.Serializer):
    """Split `line` into the `amounts` given (they must add up to it) or into `parts`
    equal parts (the rounding remainder on the last); `due_dates` one per part."""

    line = ScopedPrimaryKeyRelatedField(queryset=BillLine.objects.all())
    amounts = serializers.ListField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        required=False,
        allow_empty=False,
        max_length=60,
    )
    parts = serializers.IntegerField(min_value=2, max_value=60, required=False)
    due_dates = serializers.ListField(
        child=serializers.DateField(), required=False, allow_empty=False, max_length=60
    )
    reason = serializers.CharField(max_length=200)

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not attrs.get("amounts") and not attrs.get("parts"):
            raise serializers.ValidationError({"parts": ["请填写期数或各期金额"]})
        return attrs


class LineMergeSerializer(serializers.Serializer):
    lines = ScopedPrimaryKeyRelatedField(
        queryset=BillLine.objects.all(), many=True, allow_empty=False
    )
    due_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200)
