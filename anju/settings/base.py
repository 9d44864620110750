"""Settings shared by every environment. Everything variable comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ANJU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-dev-key-set-DJANGO_SECRET_KEY-in-production"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "anju.core",
    "anju.accounts",
    "anju.estates",
    "anju.servicedesk",
    "anju.billing",
    "anju.portal",
    "anju.notifications",
    "anju.triage",
    "anju.dunning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anju.accounts.middleware.ActiveCommunityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "anju" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "anju.accounts.context_processors.navigation",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'anju.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("DB_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with writers that queue on a lock file instead of
    # polling the database lock (anju/core/backends/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "anju.core.backends.sqlite3"
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN
    # so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "anju.accounts.backends.StaffOrOwnerBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed-login throttling (django-axes): lock the username for a period after N failures.
AXES_FAILURE_LIMIT = int(os.environ.get("ANJU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ANJU_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "anju.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# The lock lasts AXES_COOLOFF_TIME from the lockout; retrying meanwhile does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# --- I18N -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "anju" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# `anju/static` belongs to no app, so the finders need it named (anju.css, anju.js).
STATICFILES_DIRS = [BASE_DIR / "anju" / "static"]
MEDIA_ROOT = Path(os.environ.get("ANJU_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ANJU_MAX_UPLOAD_BYTES = int(
    os.environ.get("ANJU_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))
)
# One photo (ticket attachments); stored under MEDIA_ROOT, which no URL serves:
# photos go out only through views that check the user's scope.
# Seconds a process keeps small configuration tables (SLA policies, calendar days)
# in memory; an edit in another worker process is seen within this period.
ANJU_CONFIG_CACHE_SECONDS = int(os.environ.get("ANJU_CONFIG_CACHE_SECONDS", "30"))
ANJU_MAX_PHOTO_BYTES = int(
    os.environ.get("ANJU_MAX_PHOTO_BYTES", str(10 * 1024 * 1024))
)

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API ---------------------------------------------------------------------
# seconds a worker remembers an API token's user and communities (0: ask every time)
ANJU_AUTH_CACHE_SECONDS = float(os.environ.get("ANJU_AUTH_CACHE_SECONDS", "5"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "anju.accounts.tokens.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "anju.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "anju.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Anju API",
    "DESCRIPTION": "安居物业服务平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from our own static files (no CDN at run time).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Billing's status/kind/channel fields share names with other apps' enums.
    "ENUM_NAME_OVERRIDES": {
        "BillStatusEnum": "anju.billing.choices.BillStatus",
        "BillLineStatusEnum": "anju.billing.choices.LineStatus",
        "BillLineKindEnum": "anju.billing.choices.LineKind",
        "PaymentKindEnum": "anju.billing.choices.PaymentKind",
        "PaymentChannelEnum": "anju.billing.choices.Channel",
        "PaymentIntentStatusEnum": "anju.billing.choices.IntentStatus",
        "BillLineChangeKindEnum": "anju.billing.choices.LineChangeKind",
        "PrepaymentIncentiveKindEnum": "anju.billing.choices.IncentiveKind",
        "DiscountKindEnum": "anju.billing.choices.DiscountKind",
        "PrepaymentSourceEnum": "anju.billing.choices.PrepaymentSource",
        # service desk: statuses and channels also shared with timelines and inputs
        "TicketStatusEnum": "anju.servicedesk.choices.Status",
        "TicketChannelEnum": "anju.servicedesk.choices.Channel",
        "PauseReasonEnum": "anju.servicedesk.choices.PauseReason",
        "CompensationStatusEnum": "anju.servicedesk.choices.CompensationStatus",
        # dunning: case/contact statuses, stages and channels share field names
        "DunningCaseStatusEnum": "anju.dunning.choices.CaseStatus",
        "DunningContactStatusEnum": "anju.dunning.choices.ContactStatus",
        "DunningStageEnum": "anju.dunning.choices.Stage",
        "DunningChannelEnum": "anju.dunning.choices.Channel",
    },
}

# --- Background jobs --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email ------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anju@localhost")

# --- Notifications (docs/notifications.md) ------------------------------------------
_PROVIDERS = "anju.notifications.providers"
ANJU_NOTIFY_PROVIDERS = {
    "email": os.environ.get("ANJU_EMAIL_PROVIDER", f"{_PROVIDERS}.EmailProvider"),
    "sms": os.environ.get("ANJU_SMS_PROVIDER", f"{_PROVIDERS}.ConsoleProvider"),
    "wechat": os.environ.get("ANJU_WECHAT_PROVIDER", f"{_PROVIDERS}.ConsoleProvider"),
}
# Non-urgent email/SMS/WeChat wait while these hours last (community's time zone).
ANJU_QUIET_HOURS = os.environ.get("ANJU_QUIET_HOURS", "21:00-08:00")
ANJU_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ANJU_NOTIFY_MAX_ATTEMPTS", "5"))
ANJU_NOTIFY_RETRY_SECONDS = int(os.environ.get("ANJU_NOTIFY_RETRY_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Anju -------------------------------------------------------------------------
ANJU_MAX_PAGE_SIZE = 200
ANJU_DEMO_PASSWORD = os.environ.get("ANJU_DEMO_PASSWORD", "anju12345")
_ = _  # gettext_lazy is imported for settings that need lazy labels
# Lockout is keyed on the username only: a whole service centre shares one NAT address,
# so locking by IP would lock every agent out at once (axes.W006 says the opposite).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Online payment (docs/billing.md, "Online payment") ----------------------------
# Providers the owner portal offers: wechat, alipay; sandbox only for development.
ANJU_PAY_PROVIDERS = env_list("ANJU_PAY_PROVIDERS")
# Public https origin the providers call back (notify_url); empty: the request's own.
ANJU_PAY_NOTIFY_BASE_URL = os.environ.get("ANJU_PAY_NOTIFY_BASE_URL", "")
ANJU_PAY_ORDER_MINUTES = int(os.environ.get("ANJU_PAY_ORDER_MINUTES", "30"))
ANJU_PAY_CALLBACK_TOLERANCE_SECONDS = 300  # callback timestamps within ±5 minutes
# Keys are read from files (never from the repository or the environment itself).
ANJU_WECHATPAY = {
    "mchid": os.environ.get("ANJU_WECHATPAY_MCHID", ""),
    "appid": os.environ.get("ANJU_WECHATPAY_APPID", ""),
    "merchant_serial": os.environ.get("ANJU_WECHATPAY_MERCHANT_SERIAL", ""),
    "private_key_file": os.environ.get("ANJU_WECHATPAY_PRIVATE_KEY_FILE", ""),
    "platform_public_key_file": os.environ.get("ANJU_WECHATPAY_PLATFORM_KEY_FILE", ""),
    "platform_serial": os.environ.get("ANJU_WECHATPAY_PLATFORM_SERIAL", ""),
    "api_v3_key_file": os.environ.get("ANJU_WECHATPAY_APIV3_KEY_FILE", ""),
    "base_url": os.environ.get(
        "ANJU_WECHATPAY_BASE_URL", "https://api.mch.weixin.qq.com"
    ),
}
ANJU_ALIPAY = {
    "app_id": os.environ.get("ANJU_ALIPAY_APP_ID", ""),
    "seller_id": os.environ.get("ANJU_ALIPAY_SELLER_ID", ""),
    "private_key_file": os.environ.get("ANJU_ALIPAY_PRIVATE_KEY_FILE", ""),
    "alipay_public_key_file": os.environ.get("ANJU_ALIPAY_PUBLIC_KEY_FILE", ""),
    "gateway": os.environ.get(
        "ANJU_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"
    ),
}
