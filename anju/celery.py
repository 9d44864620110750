"""Celery application. Without REDIS_URL tasks run eagerly in-process."""

import os

from celery import Celery
from celery.schedules import crontab

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
    # 催缴: promises to pay whose day has passed (kept, or the case comes back)
    "dunning-promises": {
        "task": "anju.dunning.tasks.check_promises",
        "schedule": 3600.0,
    },
    # 滞纳金 up to the end of the previous month (only communities that enable them)
    "billing-late-fees": {
        "task": "anju.billing.tasks.assess_late_fees",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
}
