from django.apps import AppConfig


class EstatesConfig(AppConfig):
    name = "anju.estates"
    label = "estates"
    verbose_name = "房产主数据"
