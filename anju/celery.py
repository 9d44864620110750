"""Celery application. Without REDIS_URL tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings.base")

app = Celery("anju")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (run `celery -A anju beat`). Each task is idempotent.
app.conf.beat_schedule = {
    "servicedesk-sla-scan": {
        "task": "anju.servicedesk.tasks.scan_sla_breaches",
        "schedule": 60.0,
    },
}
