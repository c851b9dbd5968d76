"""Settings for the cyber-resilience maturity assessment platform.

Everything is read from environment variables with safe development defaults,
so that a fresh clone runs with SQLite and no configuration. `.env.example`
documents every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable; anything but the usual words is refused, so a typo such as
    `ture` stops the start instead of silently meaning "off"."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value; use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS - {''}))}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# "production" (set by `make serve`) turns on the production profile below:
# DEBUG off, secure cookies, HSTS, SSL redirect, JSON logs, background tasks.
DJANGO_ENV = env_str("DJANGO_ENV", "development").strip().lower()
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
# `make serve` generates a key once into var/secret_key when none is given.
_SECRET_KEY_FILE = Path(env_str("DJANGO_SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key")))
if not SECRET_KEY and _SECRET_KEY_FILE.is_file():
    SECRET_KEY = _SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ops",  # before django_tasks_db: its `db_worker` adds a heartbeat to the package's
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "frameworks",
    "assessments",
]

MIDDLEWARE = [
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.MaintenanceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite by default, tuned for several concurrent writers (autosave from many
# browsers): WAL journal, IMMEDIATE transactions and a busy timeout. The same
# tuning applies to `DATABASE_URL=sqlite:///...`, which dj-database-url would
# otherwise drop. PostgreSQL (or anything dj-database-url understands) through
# DATABASE_URL.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))


def _bootstrap_dir() -> str:
    import xstatic.pkg.bootstrap

    return xstatic.pkg.bootstrap.BASE_DIR


# Bootstrap comes from the xstatic-bootstrap package: no CDN, works offline.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", _bootstrap_dir())]

# Evidence files live outside STATIC_ROOT and any MEDIA_ROOT: they are only
# ever served through a permission-checked view.
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(BASE_DIR / "var" / "evidence")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Peer statistics are withheld for peer groups smaller than this.
PEER_MIN_GROUP = env_int("PEER_MIN_GROUP", 5)
# Differential privacy of peer releases (assessments/peers.py): the privacy loss of each
# released statistic (one quartile of one column of one group), and how many release
# rounds a framework may have per cycle (the cycle's budget).
PEER_EPSILON_PER_STATISTIC = env_float("PEER_EPSILON_PER_STATISTIC", 1.0)
PEER_RELEASES_PER_CYCLE = env_int("PEER_RELEASES_PER_CYCLE", 2)

# Framework files larger than this are refused before parsing.
FRAMEWORK_MAX_BYTES = env_int("FRAMEWORK_MAX_BYTES", 2 * 1024 * 1024)

# Rendered PDF reports are cached here, keyed by assessment state.
REPORT_CACHE_ROOT = Path(env_str("REPORT_CACHE_ROOT", str(BASE_DIR / "var" / "reports")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline scripts and nothing from other origins (inline style attributes are
# allowed: progress bars set their width that way).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "DJANGO_SESSION_COOKIE_SECURE", env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Production profile, background work, storage, e-mail, logs (ops/, issue 12) ---------
# The transport-security names below are shared with the security profile
# (DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_HSTS_SECONDS, ...); `make serve` on
# plain http://127.0.0.1 turns redirect, HSTS and secure cookies off through them.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):  # behind nginx terminating TLS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # links in e-mails

# Static files: WhiteNoise serves compressed, content-hashed files after
# `collectstatic` when DEBUG is off (the development server serves them otherwise).
# Evidence and cached reports go through the Storage API: a private local folder by
# default (never web-served), S3-compatible object storage when STORAGE_S3_BUCKET is set.
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")


def _private_storage(folder: str, root_setting: str) -> dict:
    if STORAGE_S3_BUCKET:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": STORAGE_S3_BUCKET,
                "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL") or None,
                "region_name": env_str("STORAGE_S3_REGION") or None,
                "location": folder,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    return {"BACKEND": "ops.storage.PrivateFileStorage", "OPTIONS": {"root_setting": root_setting}}


if not DEBUG:  # the development server serves static files itself
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
WHITENOISE_MAX_AGE = 3600  # hashed files get a year (immutable) regardless

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "evidence": _private_storage("evidence", "EVIDENCE_ROOT"),
    "reports": _private_storage("reports", "REPORT_CACHE_ROOT"),
}

# Background work (Django's tasks framework). "immediate" runs a task inside the
# request (the development default); "database" queues it for `manage.py db_worker`,
# which may run on another machine (the production default).
TASKS_BACKEND = env_str("DJANGO_TASKS_BACKEND", "database" if PRODUCTION else "immediate")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django.tasks.backends.immediate.ImmediateBackend"
    }
}
REPORT_RENDER_TIMEOUT = env_int("REPORT_RENDER_TIMEOUT", 120)  # seconds per PDF render
REPORT_RENDER_MAX_MB = env_int("REPORT_RENDER_MAX_MB", 1024)  # address space per render
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 120)  # seconds since a heartbeat

# E-mail (Django 6.1 MAILERS): printed to the console unless an SMTP host is configured.
EMAIL_SMTP_HOST = env_str("DJANGO_EMAIL_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_SMTP_HOST,
            "port": env_int("DJANGO_EMAIL_PORT", 587),
            "username": env_str("DJANGO_EMAIL_HOST_USER"),
            "password": env_str("DJANGO_EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
            "timeout": 20,
        },
    }
    if EMAIL_SMTP_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "resilience@localhost")
REMINDER_DAYS = env_int("REMINDER_DAYS", 7)  # respondents are reminded this close to a deadline

# Logs: one JSON object per line with the request id in the production profile.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ops.logging.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "ops.requests": {"level": "INFO" if PRODUCTION else "WARNING"},
        "django_tasks_db": {"level": "INFO" if PRODUCTION else "WARNING"},
        "django.tasks": {"level": "INFO" if PRODUCTION else "WARNING"},
    },
}
