"""Test settings: fast hashing, in-memory caches, eager jobs unless a test says otherwise."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# configuration tables are read fresh in tests (a rolled-back row must not linger)
ANJU_CONFIG_CACHE_SECONDS = 0
ANJU_AUTH_CACHE_SECONDS = 0  # tests that need the token memory turn it on
# Online payment: every provider on; keys come from each test (anju/billing/tests).
ANJU_PAY_PROVIDERS = ["sandbox", "wechat", "alipay"]
