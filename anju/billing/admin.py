"""Admin: fee items and policies are edited here; the financial ledger is read-only and
nothing financial can be deleted (corrections are reversals made through services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Bill,
    BillingPolicy,
    BillLine,
    BillLineChange,
    BillRun,
    DiscountLine,
    FeeItem,
    MeterReading,
    Payment,
    PaymentAllocation,
    Prepayment,
    PrepaymentIncentive,
    PricePlan,
    Receipt,
    Refund,
)


@admin.register(BillingPolicy)
class BillingPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "community",
        "cycle",
        "vacant_discount_percent",
        "due_days",
        "late_fee_enabled",
        "late_fee_daily_rate",
        "late_fee_cap_percent",
        "late_fee_grace_days",
    )
    fieldsets = (
        (None, {"fields": ("community", "cycle", "vacant_discount_percent")}),
        (_("缴费期限"), {"fields": ("due_days",)}),
        (
            _("滞纳金（仅合同约定时启用）"),
            {
                "fields": (
                    "late_fee_enabled",
                    "late_fee_daily_rate",
                    "late_fee_cap_percent",
                    "late_fee_grace_days",
                    "late_fee_start_date",
                )
            },
        ),
    )


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ("community", "code", "name", "kind", "active")
    list_filter = ("kind", "active")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class LedgerAdmin(admin.ModelAdmin):
    """Read-only: rows are written by services and never changed or deleted here."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PricePlan)
class PricePlanAdmin(LedgerAdmin):
    list_display = ("fee_item", "usage", "unit_price", "effective_from")


@admin.register(BillRun)
class BillRunAdmin(LedgerAdmin):
    list_display = (
        "community",
        "period_start",
        "period_end",
        "status",
        "bill_count",
        "total_amount",
    )


@admin.register(Bill)
class BillAdmin(LedgerAdmin):
    list_display = (
        "house",
        "period_start",
        "period_end",
        "total",
        "paid_total",
        "status",
    )
    list_filter = ("status",)
    raw_id_fields = ("house", "run")


@admin.register(BillLine)
class BillLineAdmin(LedgerAdmin):
    list_display = ("house", "description", "amount", "paid_amount", "status")
    list_filter = ("status", "kind")
    raw_id_fields = (
        "bill",
        "house",
        "reversal_of",
        "late_fee_of",
        "replaced_by",
        "replacement_of",
        "refund_of",
    )


@admin.register(BillLineChange)
class BillLineChangeAdmin(LedgerAdmin):
    list_display = ("house", "kind", "amount", "reason", "created_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("house",)


@admin.register(DiscountLine)
class DiscountLineAdmin(LedgerAdmin):
    list_display = ("line", "kind", "amount", "status", "approved_by", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("line",)


@admin.register(PrepaymentIncentive)
class PrepaymentIncentiveAdmin(LedgerAdmin):
    """Set up and ended on the 预缴优惠 page, where the manager's approval is recorded."""

    list_display = (
        "community",
        "name",
        "min_months",
        "kind",
        "percent",
        "free_months",
        "valid_from",
        "valid_to",
        "approved_by",
    )


@admin.register(Prepayment)
class PrepaymentAdmin(LedgerAdmin):
    list_display = (
        "house",
        "period_start",
        "period_end",
        "net",
        "source",
        "created_at",
    )
    raw_id_fields = ("house", "bill", "payment")


@admin.register(MeterReading)
class MeterReadingAdmin(LedgerAdmin):
    list_display = ("house", "area_name", "fee_item", "reading", "read_on")


@admin.register(Payment)
class PaymentAdmin(LedgerAdmin):
    list_display = (
        "house",
        "kind",
        "channel",
        "amount",
        "credit_amount",
        "received_at",
    )
    list_filter = ("kind", "channel")
    raw_id_fields = ("house", "reversal_of", "refund_of")


@admin.register(PaymentAllocation)
class PaymentAllocationAdmin(LedgerAdmin):
    list_display = ("payment", "line", "amount")


@admin.register(Receipt)
class ReceiptAdmin(LedgerAdmin):
    list_display = ("number", "amount", "amount_in_words", "issued_at")
    search_fields = ("number",)


@admin.register(Refund)
class RefundAdmin(LedgerAdmin):
    """Asked for on the house's billing page, decided on 退款审批 (never here)."""

    list_display = (
        "house",
        "kind",
        "amount",
        "channel",
        "status",
        "created_by",
        "decided_by",
        "created_at",
    )
    list_filter = ("status", "kind", "channel")
    raw_id_fields = (
        "house",
        "payment",
        "line",
        "refund_payment",
        "refund_line",
    )
