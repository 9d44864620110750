"""Settings for the Celery worker processes the real-queue tests start (tests/jobs).

Test settings, but jobs go through the Redis broker at REDIS_URL (not in-process) and
the database is the one the test shares with the worker (DATABASE_URL). A short
visibility timeout makes Redis hand an unacknowledged job to another worker within
seconds of its worker dying, instead of the production default of an hour.
"""

import os

from .test import *  # noqa: F403

REDIS_URL = os.environ["REDIS_URL"]
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("ANJU_JOBS_VISIBILITY_TIMEOUT", "6")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
