from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "anju.dunning"
    label = "dunning"
    verbose_name = "催缴"
