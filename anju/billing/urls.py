from django.urls import path

from . import finance_views, meter_views, prepay_views, refund_views, views

app_name = "billing"
urlpatterns = [
    path("", views.bill_list, name="bill_list"),
    path("houses/<int:pk>/", views.house_ledger, name="house_ledger"),
    path("houses/<int:pk>/summary/", views.house_summary, name="house_summary"),
    path("houses/<int:pk>/pay/", views.house_pay, name="house_pay"),
    path("houses/<int:pk>/split/", views.house_split, name="house_split"),
    path(
        "houses/<int:pk>/apply-credit/",
        views.house_credit_apply,
        name="house_credit_apply",
    ),
    path("houses/<int:pk>/prepay/", prepay_views.house_prepay, name="house_prepay"),
    path(
        "houses/<int:pk>/discount/", prepay_views.house_discount, name="house_discount"
    ),
    path("houses/<int:pk>/refund/", refund_views.house_refund, name="house_refund"),
    path("refunds/", refund_views.refund_list, name="refund_list"),
    path("refunds/<int:pk>/decide/", refund_views.refund_decide, name="refund_decide"),
    path("incentives/", prepay_views.incentive_list, name="incentive_list"),
    path("incentives/new/", prepay_views.incentive_create, name="incentive_create"),
    path("incentives/<int:pk>/end/", prepay_views.incentive_end, name="incentive_end"),
    path("discounts/", prepay_views.discount_list, name="discount_list"),
    path("meters/", meter_views.meter_list, name="meter_list"),
    path("meters/new/", meter_views.meter_create, name="meter_create"),
    path("meters/import/", meter_views.meter_import, name="meter_import"),
    path("meters/template.xlsx", meter_views.meter_template, name="meter_template"),
    path(
        "compensations/apply/",
        prepay_views.compensations_apply,
        name="compensations_apply",
    ),
    path(
        "discounts/<int:pk>/decide/",
        prepay_views.discount_decide,
        name="discount_decide",
    ),
    path("houses/<int:pk>/merge/", views.house_merge, name="house_merge"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("receipts/<int:pk>/pdf/", views.receipt_print, name="receipt_pdf"),
    path("settlement/", views.settlement_page, name="settlement"),
    path("settlement.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
    path("settlement.pdf", views.settlement_print, name="settlement_pdf"),
    path("aging/", views.aging_page, name="aging"),
    path("aging.xlsx", views.aging_xlsx, name="aging_xlsx"),
    path("late-fees/", views.late_fee_list, name="late_fee_list"),
    path("late-fees/run/", views.late_fee_run, name="late_fee_run"),
    path("finance/", finance_views.finance_page, name="finance"),
    path("finance.xlsx", finance_views.finance_xlsx, name="finance_xlsx"),
]
