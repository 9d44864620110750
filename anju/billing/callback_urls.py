from django.urls import path

from . import callback_views

app_name = "billing_callback"
urlpatterns = [
    path("wechat/", callback_views.wechat, name="wechat"),
    path("alipay/", callback_views.alipay, name="alipay"),
]
