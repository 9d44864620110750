from django.urls import path
from rest_framework.routers import SimpleRouter

from . import adjust, finance, prepay, refunds, reports, views

router = SimpleRouter()
router.register("bills", views.BillViewSet, basename="bill")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("receipts", reports.ReceiptViewSet, basename="receipt")
router.register(
    "billing/incentives", prepay.IncentiveViewSet, basename="billing-incentive"
)
router.register(
    "billing/prepayments", prepay.PrepaymentViewSet, basename="billing-prepayment"
)
router.register(
    "billing/discounts", prepay.DiscountViewSet, basename="billing-discount"
)
router.register("refunds", refunds.RefundViewSet, basename="refund")
urlpatterns = [
    path(
        "billing/settlement/",
        reports.SettlementView.as_view(),
        name="billing-settlement",
    ),
    path("billing/aging/", reports.AgingView.as_view(), name="billing-aging"),
    path("billing/finance/", finance.FinanceView.as_view(), name="billing-finance"),
    path(
        "billing/late-fees/",
        reports.LateFeeListView.as_view(),
        name="billing-late-fees",
    ),
    path(
        "billing/late-fees/assess/",
        reports.LateFeeAssessView.as_view(),
        name="billing-late-fee-assess",
    ),
    path(
        "billing/lines/split/",
        adjust.LineSplitView.as_view(),
        name="billing-line-split",
    ),
    path(
        "billing/lines/merge/",
        adjust.LineMergeView.as_view(),
        name="billing-line-merge",
    ),
    path(
        "billing/credit/apply/",
        adjust.CreditApplyView.as_view(),
        name="billing-credit-apply",
    ),
    path(
        "billing/compensations/apply/",
        adjust.CompensationsApplyView.as_view(),
        name="billing-compensations-apply",
    ),
    *router.urls,
]
