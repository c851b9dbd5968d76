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
# browsers): WAL journal, IMMEDIATE transactions and a busy timeout.
# PostgreSQL (or anything dj-database-url understands) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
