from django.urls import path

from . import portal_views

app_name = "portal_billing"
urlpatterns = [
    path("", portal_views.bill_list, name="bill_list"),
    path("pay/", portal_views.pay, name="pay"),
    path("prepay/", portal_views.prepay, name="prepay"),
    path("payments/", portal_views.payment_list, name="payment_list"),
    path("receipts/", portal_views.receipt_list, name="receipt_list"),
    path("intents/<int:pk>/", portal_views.intent_detail, name="intent_detail"),
    path("intents/<int:pk>/check/", portal_views.intent_check, name="intent_check"),
    path("intents/<int:pk>/sandbox/", portal_views.sandbox_pay, name="sandbox_pay"),
]
