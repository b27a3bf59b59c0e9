"""Django settings for Gongkai.

Everything that differs between a demo laptop and a production cluster comes from environment
variables with safe defaults (docs/operations.md lists them).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("GONGKAI_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept in the data directory."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.publishing",
    "gongkai.foi",
    "gongkai.search",
    "gongkai.inspection",
    "gongkai.policy",
    "gongkai.reports",
    "gongkai.participation",
    "gongkai.outreach",
    "gongkai.opendata",
    "gongkai.portal",
    "gongkai.commands",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.core.middleware.ClientAddressMiddleware",
    "gongkai.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.portal.context.site",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'gongkai.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})
    if os.environ.get("GONGKAI_TEST_SQLITE_FILE"):
        DATABASES["default"]["TEST"]["NAME"] = os.environ["GONGKAI_TEST_SQLITE_FILE"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from it after `collectstatic`
STATICFILES_DIRS: list[Path] = []
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("GONGKAI_MEDIA_DIR", DATA_DIR / "files"))
MEDIA_URL = "/files/"

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every process of the installation (never a per-process memory cache).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("GONGKAI_SESSION_SECONDS", 8 * 3600))
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("GONGKAI_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ---- Gongkai deployment settings (docs/operations.md) ----
# The public address, for links in e-mails sent by `gongkai tick` (no request to take it from).
GONGKAI_BASE_URL = os.environ.get("GONGKAI_BASE_URL", "http://127.0.0.1:8000")
GONGKAI_SITE_NAME = os.environ.get("GONGKAI_SITE_NAME", "政务公开平台")
# R-PUB-10: index number pattern. Fields: {org_code} {year} {month:02d} {yyyymm} {seq}.
# The sequence restarts for every distinct value of the pattern with {seq} removed.
GONGKAI_INDEX_NO_PATTERN = os.environ.get("GONGKAI_INDEX_NO_PATTERN", "{org_code}/{year}-{seq:05d}")
# R-PUB-9: a drafter may not approve their own item (default on).
GONGKAI_FORBID_SELF_APPROVAL = _env_bool("GONGKAI_FORBID_SELF_APPROVAL", True)
# R-PUB-3: working days to publish after formation; warn this many working days before.
GONGKAI_PUBLISH_DEADLINE_WORKING_DAYS = 20
GONGKAI_PUBLISH_WARNING_WORKING_DAYS = int(os.environ.get("GONGKAI_PUBLISH_WARNING_WORKING_DAYS", 5))
# Issue 7 §3: validity period (years) proposed in the editor for a 行政规范性文件 without an end date.
GONGKAI_NORMATIVE_VALIDITY_YEARS = int(os.environ.get("GONGKAI_NORMATIVE_VALIDITY_YEARS", 5))
# R-PUB-8: working days after a policy's publication within which its interpretation may follow.
GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS = int(
    os.environ.get("GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS", 3)
)
GONGKAI_ATTACHMENT_MAX_BYTES = int(os.environ.get("GONGKAI_ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024))
# Failed logins: at most this many per username and per address within the window.
GONGKAI_LOGIN_MAX_FAILURES = int(os.environ.get("GONGKAI_LOGIN_MAX_FAILURES", 5))
GONGKAI_LOGIN_WINDOW_SECONDS = int(os.environ.get("GONGKAI_LOGIN_WINDOW_SECONDS", 900))
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), e.g. "127.0.0.1".
GONGKAI_TRUSTED_PROXIES = [
    h.strip() for h in os.environ.get("GONGKAI_TRUSTED_PROXIES", "").split(",") if h.strip()
]
GONGKAI_LINKCHECK_ALLOW_HOSTS = [
    h.strip() for h in os.environ.get("GONGKAI_LINKCHECK_ALLOW_HOSTS", "").split(",") if h.strip()
]

# ---- 依申请公开 (docs/foi.md) ----
# R-FOI-7 (unverified): whether the fee notice → payment period stops the reply clock.
GONGKAI_FOI_FEE_STOPS_CLOCK = _env_bool("GONGKAI_FOI_FEE_STOPS_CLOCK", True)
# R-PII-3: characters of an identity number kept at the start and end in lists.
GONGKAI_FOI_ID_MASK_HEAD = int(os.environ.get("GONGKAI_FOI_ID_MASK_HEAD", 6))
GONGKAI_FOI_ID_MASK_TAIL = int(os.environ.get("GONGKAI_FOI_ID_MASK_TAIL", 4))
GONGKAI_FOI_TRACKING_PREFIX = os.environ.get("GONGKAI_FOI_TRACKING_PREFIX", "YSQ")
GONGKAI_FOI_QUERY_MAX_FAILURES = int(os.environ.get("GONGKAI_FOI_QUERY_MAX_FAILURES", 5))
GONGKAI_FOI_QUERY_WINDOW_SECONDS = int(os.environ.get("GONGKAI_FOI_QUERY_WINDOW_SECONDS", 900))
GONGKAI_FOI_DUE_SOON_WORKING_DAYS = int(os.environ.get("GONGKAI_FOI_DUE_SOON_WORKING_DAYS", 5))

# ---- 数据开放 (docs/opendata.md) ----
GONGKAI_OPENDATA_DEFAULT_LICENSE = os.environ.get("GONGKAI_OPENDATA_DEFAULT_LICENSE", "cc-by-4.0")
GONGKAI_OPENDATA_MAX_BYTES = int(os.environ.get("GONGKAI_OPENDATA_MAX_BYTES", 200 * 1024 * 1024))
GONGKAI_OPENDATA_ROW_CAP = int(os.environ.get("GONGKAI_OPENDATA_ROW_CAP", 100_000))
GONGKAI_OPENDATA_API_RATE = int(os.environ.get("GONGKAI_OPENDATA_API_RATE", 600))
