"""Settings read from the environment, with safe defaults for the demo.

SQLite under ``var/`` by default so a checkout just runs; ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TUYENGIAO_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    """Read a boolean; refuse anything but the usual spellings so a typo fails loudly."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean, got {raw!r}")


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def envsecret(name: str, default: str) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", False)
# No built-in key outside DEBUG: an empty SECRET_KEY makes Django refuse to sign anything, and
# wsgi/asgi read it at start-up so a server without one does not start (``make run`` writes one).
SECRET_KEY = envsecret("SECRET_KEY", "demo-only-secret-key-for-debug-0123456789-abcdefghij" if DEBUG else "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tuyengiao.core",
    "tuyengiao.org",
    "tuyengiao.accounts",
    "tuyengiao.reporting",
    "tuyengiao.documents",
    "tuyengiao.events",
    "tuyengiao.campaigns",
    "tuyengiao.reviews",
    "tuyengiao.training",
    "tuyengiao.outreach",
    "tuyengiao.plans",
    "tuyengiao.opinion",
    "tuyengiao.history",
    "tuyengiao.handbook",
    "tuyengiao.emulation",
    "tuyengiao.inspections",
    "tuyengiao.api",
]
INSTALLED_APPS += ["tuyengiao.demo"]  # the demo province: manage.py load_demo

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "tuyengiao.core.middleware.InputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuyengiao.accounts.middleware.SecondFactorMiddleware",
    "tuyengiao.core.middleware.OnceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tuyengiao.urls"
WSGI_APPLICATION = "tuyengiao.wsgi.application"
ASGI_APPLICATION = "tuyengiao.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tuyengiao.core.context_processors.navigation",
            ],
        },
    },
]

# A worker keeps its connection between requests (opening one per request started a PostgreSQL
# server process each time, most of an API request's time) and checks it before a request uses it.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tuyengiao.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the demo serve readers while a writer saves.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: lock a username+address pair after repeated failures, and a username whatever
# the addresses the attempts come from (password spraying from many machines).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor authentication (TOTP): anyone who set it up must give a code after the password;
# with REQUIRE_2FA_FOR_ADMINS, unit admins and staff must set it up before anything else.
REQUIRE_2FA_FOR_ADMINS = envbool("REQUIRE_2FA_FOR_ADMINS", not DEBUG)
OTP_TOTP_ISSUER = "Tuyên giáo số"
# A wrong code doubles the wait before the next try (1 s, 2 s, 4 s … capped by django-otp).
OTP_TOTP_THROTTLE_FACTOR = envint("OTP_TOTP_THROTTLE_FACTOR", 1)

# API tokens (knox): only the digest is stored; each token is named, expires and dies with a
# password change.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 30)
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name
# knox's own migrations would create its unused default token table (with a key to users) beside ours.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 50,
}

# Whoever sent a report may not approve it; a board of one person sets this to approve its own.
ALLOW_SELF_APPROVAL = envbool("ALLOW_SELF_APPROVAL", False)
# The dashboard compares a figure with last year only when at least this per cent of the units
# expected to report it have figures, in both periods; below it the page says "chưa đủ số liệu".
DASHBOARD_MIN_COVERAGE = int(os.environ.get("DASHBOARD_MIN_COVERAGE", "80"))
# Up to this many units under a dashboard's unit, coverage counts distinct units over every value;
# above it (a whole country), the kept aggregate rows give the count.
DASHBOARD_EXACT_COVERAGE_UNITS = envint("DASHBOARD_EXACT_COVERAGE_UNITS", 5000)
# Answers computed under one database snapshot (or one version of the tree) are kept in the cache
# and served again until the data changes (``core.snapshots``); 0 computes every answer afresh.
KEEP_ANSWERS = envbool("KEEP_ANSWERS", True)
# Per process: a kept answer is found again by the same worker. Several app servers may share one
# cache (e.g. Redis) by setting it here; correctness does not depend on it (the keys name the data).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 500},  # a national answer is about 160 KB: at most ~80 MB a worker
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tuyengiao.formats"]
# Numbers are formatted by the vn_* filters; a global separator would turn ids in URLs into "1.234".
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end libraries come from npm (package.json); only their built files are served.
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / folder)
    for prefix, folder in [
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/echarts", "echarts/dist"),
        ("vendor/pico", "@picocss/pico/css"),
        ("vendor/axe-core", "axe-core"),  # accessibility checks in the browser tests
    ]
    if (NODE_MODULES / folder).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# No input can exhaust a worker (core.middleware.InputMiddleware answers 413/400 naming the limit):
# an uploaded file goes to a temporary file above 5 MB; form fields and JSON bodies are read into
# memory up to 10 MB (the longest document body, percent-encoded, with room to spare); no request
# body larger than the largest upload (20 MB attachments) plus its form is read at all.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # attendance of every cell of a large commune on one form
REQUEST_MAX_BODY_SIZE = 21 * 1024 * 1024
# One dataValueSets request writes at most this many values; a document body at most this many characters.
API_MAX_DATA_VALUES = 5000
DOCUMENT_BODY_MAX_CHARS = 500_000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS everywhere unless DEBUG: redirect, HSTS, cookies only over TLS. Behind a proxy that ends TLS,
# SECURE_PROXY_SSL_HEADER names the header it sets, e.g. "HTTP_X_FORWARDED_PROTO=https".
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    _header, _, _value = _proxy_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), (_value or "https").strip())

# Content-Security-Policy: scripts and styles only from our own static files, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    )
}
CSRF_FAILURE_VIEW = "tuyengiao.core.pages.csrf_failure"
FORM_RENDERER = "tuyengiao.core.forms.FormRenderer"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "tuyengiao.accounts.auth.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "tuyengiao.api.permissions.ScopedWrite",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tuyengiao.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# API lists: the page size when none is asked, and the most one page may hold (400 above it).
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500

# One analytics answer holds at most this many values (elements × periods × units), and each of
# its statements runs at most this long on PostgreSQL (0: no limit).
ANALYTICS_MAX_CELLS = int(os.environ.get("ANALYTICS_MAX_CELLS", "20000"))
ANALYTICS_STATEMENT_TIMEOUT_MS = int(os.environ.get("ANALYTICS_STATEMENT_TIMEOUT_MS", "15000"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Tuyên giáo số API",
    "DESCRIPTION": "Organisation tree, reporting, documents and campaigns, scoped by the user's subtrees.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tuyengiao.api.schema.add_error_responses",
    ],
    # Several models have a "kind"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "tuyengiao.org.choices.UnitKind",
        "SuccessionKindEnum": "tuyengiao.org.choices.SuccessionKind",
        "DocumentKindEnum": "tuyengiao.documents.choices.DocumentKind",
        "EventKindEnum": "tuyengiao.events.models.EventKind",
        "WorkFieldEnum": "tuyengiao.reporting.models.WorkField",
        "DocumentWorkFieldEnum": "tuyengiao.documents.choices.WorkField",
        "DocumentIssuerEnum": "tuyengiao.documents.choices.Issuer",
        "CommendationIssuerEnum": "tuyengiao.emulation.models.Issuer",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background tasks (Django's tasks framework through the django-tasks backport): long jobs are
# rows in the database, run by `manage.py db_worker` processes on any machine that reaches it.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job that has written no progress for this long lost its worker: retried, then failed.
TASK_STALLED_AFTER_SECONDS = int(os.environ.get("TASK_STALLED_AFTER_SECONDS", "600"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "2"))
# Uploaded files of jobs nobody committed are deleted after this long.
UPLOAD_KEEP_HOURS = int(os.environ.get("UPLOAD_KEEP_HOURS", "24"))
