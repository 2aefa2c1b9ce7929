"""Django settings, read from the environment (see `.env.example`)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from annotator.lib.env import (
    ConfigurationError,
    celery_url_from_redis_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
APP_VERSION = "0.1.0"

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("ANNOTATOR_TESTING", default=False)

_secret = os.environ.get("SECRET_KEY", "")
if not _secret:
    if not (DEBUG or TESTING):
        raise ConfigurationError("SECRET_KEY is required when DEBUG is off (production settings)")
    _secret = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - DEBUG/test only
SECRET_KEY = _secret

# `make run` (annotator/lib/localrun.py): production settings served over plain HTTP on the
# loopback interface. It relaxes only HSTS, the HTTPS redirect and the cookies' Secure flag.
LOCAL_HTTP = env_bool("LOCAL_HTTP", default=False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING or LOCAL_HTTP else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PORT = env_int("PORT", 8000)
# The live event stream is served by an ASGI process of its own on this port (make run, compose):
# pages open it at <their scheme>://<their host name>:LIVE_STREAM_PORT/live/stream/ and it answers
# their origin with CORS credentials. 0: the stream is on the pages' own origin (one ASGI server
# serving everything, or a proxy routing /live/ to the stream process).
LIVE_STREAM_PORT = env_int("LIVE_STREAM_PORT", 0)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
NEWSROOM_NAME = env_str("NEWSROOM_NAME", "Rédaction")
NEWSROOM_URL = env_str("NEWSROOM_URL", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "annotator",
    "annotator.articles",
    "annotator.annotations",
    "annotator.review",
    "annotator.exports",
    "annotator.live",
    "annotator.imports",
    "proposals",
]

MIDDLEWARE = [
    "annotator.lib.logs.RequestIdMiddleware",
    "annotator.lib.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "annotator.lib.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions and CSRF stay Django's own (check --deploy looks for these exact paths; for a
    # token request they cost nothing: no cookie, a csrf_exempt view). Authentication and
    # messages are Django's, skipped for token-authenticated /api/ requests, which use neither
    # (annotator/lib/middleware.py).
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "annotator.lib.middleware.AuthenticationMiddleware",
    "annotator.lib.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Live events a request commits go to Redis once its response is sent.
    "annotator.live.events.PublishAfterResponseMiddleware",
    # Last: turns a login refused for too many failures into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "annotator.urls"
WSGI_APPLICATION = "annotator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotator.context_processors.navigation",
                "annotator.review.context_processors.review_navigation",
                "annotator.live.context_processors.live",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A connection pool per ASGI process (psycopg_pool; annotator/asgi.py turns it on): under ASGI
# each request runs in a thread of its own, so per-thread persistent connections were never
# reused and every request paid a new PostgreSQL connection. Off elsewhere: the WSGI threads of
# the pages and the API, tests, commands and Celery workers keep CONN_MAX_AGE connections.
if env_bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # a pooled connection goes back after each request
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env_int("DATABASE_POOL_SIZE", default=10),
        "timeout": 10,
    }

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "annotator.lib.cache.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "annotator",
    }
}
# Sessions in the database only: with `cached_db` every signed-in page failed while Redis was
# down (Django's Redis cache raises), and pages must keep working without Redis (the live stream
# falls back to PostgreSQL, exports are queued for later). A page costs one indexed session read,
# a prepared statement (annotator/lib/sessions.py).
SESSION_ENGINE = "annotator.lib.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "annotator.lib.login_limits.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (annotator/lib/login_limits.py, django-axes): per account and per account and
# address, never per address alone; a lockout lasts LOGIN_COOLOFF_MINUTES.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotator.lib.login_limits.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# API tokens (annotator/lib/auth_tokens.py) expire this many hours after they were issued.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 14)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "annotator" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(BASE_DIR / ".local" / "exports")))
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 30)
REVIEW_APPROVALS_REQUIRED = env_int("REVIEW_APPROVALS_REQUIRED", 1)
MAX_SOURCE_BYTES = env_int("MAX_SOURCE_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING or LOCAL_HTTP
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "annotator@localhost")

# Security: strict unless DEBUG. `manage.py check --deploy` passes with production settings;
# with LOCAL_HTTP (make run on http://127.0.0.1) it reports exactly the four warnings of
# annotator.lib.localrun.LOOPBACK_DEPLOY_EXCEPTIONS (HSTS, HTTPS redirect, Secure cookies).
_HTTPS_ONLY = not DEBUG and not TESTING and not LOCAL_HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_HTTPS_ONLY)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_HTTPS_ONLY)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_HTTPS_ONLY)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS_ONLY
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_HTTPS_ONLY)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images from
# our own origin only; no inline script, no inline style, no eval, no framing. Templates keep no
# <script>/<style> bodies, no style="" and no on*="" handlers (tests/foundation/test_security_headers.py).
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
    }
}

REST_FRAMEWORK = {
    # Session first (unauthenticated requests get a 403, as documented); a token request has no
    # request.user from the middleware, so the session class passes it to the token class at once.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "annotator.lib.auth_tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "annotator.lib.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["annotator.lib.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "annotator.lib.schema.ContractAutoSchema",
    "EXCEPTION_HANDLER": "annotator.lib.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "annotator.lib.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Annotator API",
    "DESCRIPTION": "Collaborative annotation and feasibility rating of political programmes.",
    "VERSION": APP_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies are documented as their serializers declare them (`version` required), not as
    # "every field optional" (annotator/lib/schema.py holds the rest of the contract).
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotator.lib.schema.postprocess_contract",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleKindEnum": "annotator.articles.models.Article.Kind",
        "ArticleStatusEnum": "annotator.articles.models.Article.Status",
        "NewArticleStatusEnum": "annotator.articles.api.intake_serializers.NEW_ARTICLE_STATUSES",
        "ElectionKindEnum": "proposals.models.Election.Kind",
        "AnnotationStatusEnum": "annotator.annotations.models.Annotation.Status",
        "FeasibilityEnum": "proposals.models.Feasibility",
        "LevelEnum": "proposals.models.Level",
        "ExportFormatEnum": "annotator.exports.models.ExportJob.Format",
        "ImportFormatEnum": "annotator.imports.models.ImportJob.Format",
        "ExportStateEnum": "annotator.exports.models.ExportJob.State",
        "ImportStateEnum": "annotator.imports.models.ImportJob.State",
    },
}

CELERY_BROKER_URL = celery_url_from_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url_from_redis_url(REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Unacknowledged tasks come back after this many seconds if their worker vanished. Publishing
# gives up quickly when Redis is down (one retry, a one-second connect timeout), so a web request
# that enqueues never hangs on the broker: callers keep the work in our tables for later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# Logs (annotator/lib/logs.py): JSON lines with the request id unless LOG_FORMAT=text (the
# default in DEBUG); every response carries X-Request-ID.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ConfigurationError(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "annotator.lib.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "annotator.lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

if TESTING:
    # Tests create hundreds of users; the production hasher would spend most of the run hashing.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test processes share one Redis: give each its own queue and cache namespace so a
    # worker never runs a task against another process's test database.
    _worker = os.environ["PYTEST_XDIST_WORKER"]
    CELERY_TASK_DEFAULT_QUEUE = f"test-{_worker}"
    CACHES["default"]["KEY_PREFIX"] = f"annotator-test-{_worker}"

# Source intake (issue 8): fetching a page by URL refuses private/local addresses unless relaxed.
SOURCE_FETCH_ALLOW_PRIVATE = env_bool("SOURCE_FETCH_ALLOW_PRIVATE", default=False)
SOURCE_FETCH_TIMEOUT = env_int("SOURCE_FETCH_TIMEOUT", 10)
# Untrusted HTML/PDF is parsed in a child process (annotator/articles/sandbox.py): killed after
# this many seconds of wall time (and of CPU time), limited to this much memory, every
# decompressed PDF stream capped. Past any limit the source is refused as `too_complex`.
INTAKE_EXTRACT_TIMEOUT = env_int("INTAKE_EXTRACT_TIMEOUT", 12)
INTAKE_EXTRACT_MEMORY_MB = env_int("INTAKE_EXTRACT_MEMORY_MB", 768)
INTAKE_MAX_INFLATED_BYTES = env_int("INTAKE_MAX_INFLATED_BYTES", 8 * MAX_SOURCE_BYTES)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
INSTALLED_APPS += ["annotator.team"]
# A pasted or previewed source travels in the request body: leave room for MAX_SOURCE_BYTES.
# An API body over this size is a JSON 413 before any work (annotator.lib.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * MAX_SOURCE_BYTES + 1024 * 1024
# JSON bodies (annotator.lib.parsers): deeper nesting or a longer list is a 400 before any work.
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32)
API_MAX_JSON_LIST_LENGTH = env_int("API_MAX_JSON_LIST_LENGTH", 1000)
# Request line and headers (annotator.lib.middleware): past these, 414 / 431 in the error envelope
# on the API. gunicorn's own limits (annotator/gunicorn_conf.py) are set above them.
API_MAX_REQUEST_LINE = env_int("API_MAX_REQUEST_LINE", 8000)
API_MAX_HEADER_SIZE = env_int("API_MAX_HEADER_SIZE", 8000)
API_MAX_HEADERS = env_int("API_MAX_HEADERS", 100)
# Exports (annotator/exports): chunk size of the streaming cursor, Celery time limits (seconds),
# when the beat task re-enqueues lost jobs, how many interrupted runs before a job fails, the
# licence stated in data packages, and a per-chunk delay that only tests set.
EXPORT_CHUNK_SIZE = env_int("EXPORT_CHUNK_SIZE", 5000)
EXPORT_SOFT_TIME_LIMIT = env_int("EXPORT_SOFT_TIME_LIMIT", 3600)
EXPORT_TIME_LIMIT = env_int("EXPORT_TIME_LIMIT", 3700)
EXPORT_REQUEUE_AFTER = env_int("EXPORT_REQUEUE_AFTER", 120)
EXPORT_HEARTBEAT_TIMEOUT = env_int("EXPORT_HEARTBEAT_TIMEOUT", 300)
EXPORT_MAX_ATTEMPTS = env_int("EXPORT_MAX_ATTEMPTS", 5)
EXPORT_TEST_DELAY = float(os.environ.get("EXPORT_TEST_DELAY", "0") or 0)
EXPORT_DATA_LICENSE = {
    "name": env_str("EXPORT_LICENSE_NAME", "CC-BY-4.0"),
    "title": env_str("EXPORT_LICENSE_TITLE", "Creative Commons Attribution 4.0"),
    "path": env_str("EXPORT_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}
CELERY_BEAT_SCHEDULE["exports-requeue-lost"] = {
    "task": "exports.requeue_lost",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["exports-delete-expired-files"] = {
    "task": "exports.delete_expired_files",
    "schedule": 3600.0,
}

# Imports (annotator/imports): where uploads are kept, their size limit, the parsing child's
# limits (wall seconds, address space), Celery time limits and the heartbeat a run must keep.
IMPORT_ROOT = Path(env_str("IMPORT_ROOT", str(BASE_DIR / ".local" / "imports")))
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 1024 * 1024 * 1024)
IMPORT_PARSE_TIMEOUT = env_int("IMPORT_PARSE_TIMEOUT", 900)
IMPORT_PARSE_MEMORY_MB = env_int("IMPORT_PARSE_MEMORY_MB", 2048)
IMPORT_SOFT_TIME_LIMIT = env_int("IMPORT_SOFT_TIME_LIMIT", 3600)
IMPORT_TIME_LIMIT = env_int("IMPORT_TIME_LIMIT", 3700)
IMPORT_HEARTBEAT_TIMEOUT = env_int("IMPORT_HEARTBEAT_TIMEOUT", 300)
IMPORT_REQUEUE_AFTER = env_int("IMPORT_REQUEUE_AFTER", 120)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3)
CELERY_BEAT_SCHEDULE["imports-requeue-lost"] = {"task": "imports.requeue_lost", "schedule": 60.0}
IMPORT_TEST_DELAY = float(os.environ.get("IMPORT_TEST_DELAY", "0") or 0)  # tests only

# Error reporting: Sentry only when SENTRY_DSN is set (no personal data sent).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=f"annotator@{APP_VERSION}",
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )

# Live events (issue 16): each web process re-reads the event table every this many seconds in
# case a Redis message was lost (one query per process, not per stream).
LIVE_SWEEP_SECONDS = env_int("LIVE_SWEEP_SECONDS", 15)
# Events older than this are deleted by beat (a stream replays at most 1,000 anyway).
LIVE_EVENT_RETENTION_DAYS = env_int("LIVE_EVENT_RETENTION_DAYS", 7)
CELERY_BEAT_SCHEDULE["live-prune-events"] = {"task": "live.prune_events", "schedule": 3600.0}
