from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "anju.billing"
    label = "billing"
    verbose_name = "物业收费"
