from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "anju.portal"
    label = "portal"
    verbose_name = "业主服务平台"
