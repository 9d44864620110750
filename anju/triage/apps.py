from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "anju.triage"
    label = "triage"
    verbose_name = "工单智能分类"
