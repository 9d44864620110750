"""`make run`: debug on, everything else as base."""

from .base import *  # noqa: F403

DEBUG = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Online payment: the sandbox's pay page plays the provider (docs/billing.md).
ANJU_PAY_PROVIDERS = env_list("ANJU_PAY_PROVIDERS", "sandbox")  # noqa: F405
