"""Settings for the cyber-resilience maturity assessment platform.

Everything is read from environment variables with safe development defaults,
so that a fresh clone runs with SQLite and no configuration. `.env.example`
documents every variable.
"""

from __future__ import annotations

import datetime as dt
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


# --- environment profile (issue #11) ---------------------------------------
# DJANGO_ENV=production turns DEBUG off by default, requires a secret key and
# allowed hosts, and switches on HSTS, SSL redirect, secure cookies and the
# proxy SSL header (each still overridable by its own variable, see below).
DJANGO_ENV = env_str("DJANGO_ENV", "development").strip().lower()
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "" if PRODUCTION or not DEBUG else "dev-only-insecure-key-change-me"
)
# `make serve` generates a key once into var/secret_key when none is given and
# names that file in DJANGO_SECRET_KEY_FILE (issue 12); only a named file is read.
if not SECRET_KEY and env_str("DJANGO_SECRET_KEY_FILE"):
    SECRET_KEY = Path(env_str("DJANGO_SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production (or when DJANGO_DEBUG is off).")
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise RuntimeError("DJANGO_ALLOWED_HOSTS must be set in production.")
# --- end environment profile ----------------------------------------------
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
    "django.contrib.humanize",  # allauth.mfa's security-key list
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    # accounts and security (issue #11)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "accounts",
    # end accounts and security
    "frameworks",
    "assessments",
    # Issue 15: interchange (Word report, offline workbook, bundles, API tokens).
    "interchange",
]

MIDDLEWARE = [
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.MaintenanceMiddleware",
    # Refuses an oversized body from its Content-Length before anything reads it.
    "accounts.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The person's chosen language, remembered across devices (accounts/language.py).
    "accounts.language.UserLanguageMiddleware",
    # accounts and security (issue #11): idle/absolute session expiry, the
    # request's actor and address for the security log, MFA where required.
    "accounts.middleware.SessionExpiryMiddleware",
    "accounts.middleware.SecurityContextMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    # end accounts and security
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "accounts.context_processors.security",
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

# --- accounts, passwords, MFA, lockout, sessions (issue #11) ----------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+address before any check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: log in by username or e-mail; no open sign-up (invitations only).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False  # the session ends with the browser, never "remember me"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # other sessions end; this one is kept
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Resilience] "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# django-axes counts failed logins (database-backed, all processes share it);
# allauth's own cache-based counter would lock earlier and per process.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# allauth.mfa: TOTP, security keys (WebAuthn) and recovery codes. Required for
# administrators, advisors, officials and the Django admin (accounts.mfa.mfa_required);
# MFA_REQUIRED_FOR_EVERYONE extends that to every user.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a security key is a second factor, never the only one
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Resilience")
MFA_RECOVERY_CODE_COUNT = 10
MFA_REQUIRED_FOR_EVERYONE = env_bool("MFA_REQUIRED_FOR_EVERYONE", False)

# django-axes: lock a username from one address after AXES_FAILURE_LIMIT failures,
# for AXES_COOLOFF_MINUTES; stored in the database so every process sees it.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# Sessions: a new key on login (Django), other sessions end on a password change
# (the session auth hash), an idle timeout refreshed by every request (autosave
# included) and an absolute lifetime, both enforced by accounts.middleware.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Invitations: a one-time link that expires.
INVITATION_MAX_AGE_HOURS = env_int("INVITATION_MAX_AGE_HOURS", 72)

# E-mail through Django's mailers: the console in development, SMTP in production
# (or whatever EMAIL_BACKEND names), configured by the EMAIL_* variables.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_MAILER: dict[str, object] = {"BACKEND": EMAIL_BACKEND_PATH}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAILER["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {"default": _MAILER}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Resilience <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# --- end accounts ----------------------------------------------------------

LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
# DJANGO_LOCALE_DIR lets the catalogue check run makemessages on a copy.
LOCALE_PATHS = [Path(env_str("DJANGO_LOCALE_DIR", str(BASE_DIR / "locale")))]
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

# Issue 15 (interchange). Bundles move assessments between instances that share
# BUNDLE_SIGNING_KEY (default: SECRET_KEY); uploads are refused above these sizes.
BUNDLE_SIGNING_KEY = env_str("BUNDLE_SIGNING_KEY", "")
BUNDLE_MAX_BYTES = env_int("BUNDLE_MAX_BYTES", 200 * 1024 * 1024)
WORKBOOK_MAX_BYTES = env_int("WORKBOOK_MAX_BYTES", 5 * 1024 * 1024)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100)

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

# --- transport and browser security (issue #11) ---------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION or not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", PRODUCTION)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (only then!).
if env_bool("DJANGO_PROXY_SSL_HEADER", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent on every response by accounts.middleware.SecurityHeadersMiddleware.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Largest request body accepted, judged from Content-Length before reading it.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", EVIDENCE_MAX_BYTES + 1024 * 1024)
# Evidence quota per assessment (files and bytes).
EVIDENCE_MAX_FILES_PER_ASSESSMENT = env_int("EVIDENCE_MAX_FILES_PER_ASSESSMENT", 200)
EVIDENCE_MAX_BYTES_PER_ASSESSMENT = env_int("EVIDENCE_MAX_BYTES_PER_ASSESSMENT", 500 * 1024 * 1024)
# --- end transport and browser security -----------------------------------

# --- Production profile, background work, storage, e-mail, logs (ops/, issue 12) ---------
# The security profile above decides; these names (DJANGO_SECURE_SSL_REDIRECT,
# DJANGO_SECURE_HSTS_SECONDS, DJANGO_SESSION_COOKIE_SECURE, DJANGO_CSRF_COOKIE_SECURE)
# override it one by one: `make serve` on plain http://127.0.0.1 turns redirect,
# HSTS and secure cookies off through them.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", SESSION_COOKIE_SECURE)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
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
