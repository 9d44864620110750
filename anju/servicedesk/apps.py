from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "anju.servicedesk"
    label = "servicedesk"
    verbose_name = "客服工单"
