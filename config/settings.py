"""Settings, read from the environment (API.md, "Settings").

Every variable has a working default for local use: SQLite in ./data, an embedded
filesystem broker so a real Celery worker runs without Redis, email written to files,
and the local Stripe-compatible server.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.signals import setting_changed
from django.utils.csp import CSP

import config.i18n
from config.logging_settings import logging_settings

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "events",
    "registrations",
    "payments",
    "audit",
    "members",
    "finance",
    "axes",  # after the apps: its admin and checks look at the auth setup
]

MIDDLEWARE = [
    "config.middleware.HealthCheckMiddleware",  # first: load balancers call by IP, over HTTP
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditActorMiddleware",  # services write the audit log as this request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.resilience.ServiceUnavailableMiddleware",  # a lost database: 503, not 500
    "config.middleware.PageRateLimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Form fields: Django's form templates through Jinja2, at half the CPU (config/forms.py).
FORM_RENDERER = "config.forms.FormRenderer"
CONTEXT_PROCESSORS = [
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.csp",  # {{ csp_nonce }}
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"]
            + CONTEXT_PROCESSORS,
            "builtins": ["config.templatetags.money"],  # {{ amount|money:currency }}
        },
    },
    {  # The pages a purchase goes through: render(..., using="jinja2") (config/jinja2.py).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,  # "request": the backend's own
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Django's backend, with a health check that asks the socket before it sends
    # `SELECT 1`, and a prepared-statement cursor for the hottest statement (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # Only that cursor binds on the server, so only its statements are ever prepared (after
    # 5 runs on a connection). Off (`0`) behind a pooler that cannot keep prepared
    # statements (PgBouncer before 1.21, or without max_prepared_statements).
    _prepared = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", 5 if _prepared else None
    )
    DATABASES["default"]["OPTIONS"].setdefault(
        "server_side_binding", env.bool("DATABASE_SERVER_SIDE_BINDING", default=False)
    )
    # An unreachable database fails requests (and /readyz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage never fails a request (config/cache.py).
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Publishing while the broker is down fails fast; the outbox sweeper re-queues later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup reconnects to the database for every task unless this is set; it
# now closes a connection only every 1000 tasks, and between tasks a connection is kept or
# closed as between requests (CONN_MAX_AGE, health checks: config/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = "UTC"
# How often lapsed waiting-list offers are passed on to the next person in line (seconds).
WAITLIST_SWEEP_SECONDS = env.float("WAITLIST_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "expire-lapsed-holds": {"task": "registrations.tasks.expire_lapsed_holds", "schedule": 60.0},
    "pass-on-waitlist-offers": {
        "task": "registrations.tasks.pass_on_waitlist_offers",
        "schedule": WAITLIST_SWEEP_SECONDS,
    },
    "cancel-stale-payments": {"task": "payments.tasks.cancel_stale_payments", "schedule": 120.0},
    "retry-pending-refunds": {"task": "payments.tasks.retry_pending_refunds", "schedule": 300.0},
    "requeue-unsent-outbox": {
        "task": "registrations.messaging.tasks.requeue_unsent_outbox",
        "schedule": env.float("OUTBOX_REQUEUE_SECONDS", default=60),
        # Rows older than this and still unsent are queued again (broker down, worker dead).
        "kwargs": {"older_than_seconds": env.float("OUTBOX_REQUEUE_AFTER_SECONDS", default=120)},
    },
    "send-reminders": {"task": "registrations.tasks.send_reminders", "schedule": 3600.0},
    "warn-expiring-holds": {"task": "registrations.tasks.warn_expiring_holds", "schedule": 300.0},
}
# Emails on their own queue: a slow mail server never delays anything else.
CELERY_TASK_ROUTES = {
    "registrations.messaging.tasks.send_outbox_message": {"queue": "email"},
    "registrations.messaging.tasks.send_outbox_messages": {"queue": "email"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Workers log through LOGGING below (JSON, request ids), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Stripe ---------------------------------------------------------------------------
# Payment providers by name (payments.providers); the name is stored on each payment and
# is the <provider> of its webhook URL. PAYMENT_METHODS: which provider takes each way of
# paying that registration offers.
PAYMENT_PROVIDERS = {
    "stripe": "payments.providers.stripe.StripeProvider",
    "invoice": "payments.providers.invoice.InvoiceProvider",
}
PAYMENT_METHODS = {"card": "stripe", "invoice": "invoice"}
# A refund whose provider could not be reached is tried again by a task, with backoff.
REFUND_RETRY_SECONDS = env.float("REFUND_RETRY_SECONDS", default=30)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_local")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_local")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_local_development")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="http://127.0.0.1:8420").rstrip("/")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default=f"{STRIPE_API_BASE}/js.stripe.com/v3/")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)

# --- Email ----------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    # One .eml file per message (opens in any mail client, invite attached).
    EMAIL_BACKEND = "registrations.messaging.dev_backend.EmlFileBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "emails")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Registration <registration@localhost>")
EMAIL_TIMEOUT = 10
# A worker claims an email for this long while it renders and sends it, outside any
# transaction; a worker that dies leaves the claim to lapse, and the email is sent again.
OUTBOX_CLAIM_SECONDS = env.float("OUTBOX_CLAIM_SECONDS", default=60)

# --- Registration ---------------------------------------------------------------------
HOLD_MINUTES = env.float("HOLD_MINUTES", default=15)
WAITLIST_OFFER_HOURS = env.float("WAITLIST_OFFER_HOURS", default=48)

# --- Invoices (finance/; README "Invoices and finance") ----------------------------------
# The seller on every invoice (each overridable per event); "\n" in an address is a line.
INVOICE_NUMBER_PREFIX = env.str("INVOICE_NUMBER_PREFIX", default="INV")
INVOICE_ISSUER_NAME = env.str("INVOICE_ISSUER_NAME", default="Conference Registration")
INVOICE_ISSUER_ADDRESS = env.str("INVOICE_ISSUER_ADDRESS", default="").replace("\\n", "\n")
INVOICE_ISSUER_TAX_ID = env.str("INVOICE_ISSUER_TAX_ID", default="")
INVOICE_BANK_DETAILS = env.str("INVOICE_BANK_DETAILS", default="").replace("\\n", "\n")
INVOICE_PAPER = env.str("INVOICE_PAPER", default="letter").lower()
if INVOICE_PAPER not in ("letter", "a4"):
    raise ValueError("INVOICE_PAPER is letter or a4")
# Unpaid invoices: a reminder this many days before the due date, and one on it.
INVOICE_REMINDER_DAYS = env.int("INVOICE_REMINDER_DAYS", default=7)
INVOICE_REMINDER_SECONDS = env.float("INVOICE_REMINDER_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["issue-missing-invoices"] = {
    "task": "finance.tasks.issue_missing_invoices",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["remind-unpaid-invoices"] = {
    "task": "finance.tasks.remind_unpaid_invoices",
    "schedule": INVOICE_REMINDER_SECONDS,
}
# DejaVu (Latin, Greek, Cyrillic): Debian's fonts-dejavu-core, never fetched at run time.
INVOICE_FONT_DIR = env.str("INVOICE_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # TokenAuthentication whose wrong tokens count toward `auth_failure` (429).
        "config.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    # config.api's handler, plus the 429 shape and failure counting of config.throttling.
    "EXCEPTION_HANDLER": "config.throttling.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # Each throttle picks the URLs it applies to; rates are THROTTLE_RATES below.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.RegisterThrottle",
        "config.throttling.FindThrottle",
        "config.throttling.TokenLookupThrottle",
        "config.throttling.TokenMissThrottle",
        "config.throttling.PromoMissThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Conference registration API",
    "DESCRIPTION": "Events, registrations, payments and the organizer workspace.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,  # request bodies get their own (stricter) schemas
}

# --- I18n, static ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Each message translated once per language and process, not on every call, and
# `{% translate "constant" %}` kept per language (config/i18n.py).
config.i18n.install()

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "/admin/login/"

# --- Production safety (DEBUG off) ----------------------------------------------------
# Behind a TLS proxy that sets X-Forwarded-Proto, which the app trusts.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Load balancers may probe over plain HTTP (config.middleware.HealthCheckMiddleware answers
# these before SecurityMiddleware; the exemption says so for anyone reading the settings).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Camera for the organizer's check-in page (QR codes); nothing else.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=()"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content-Security-Policy, by Django's own middleware (Django 6: SECURE_CSP). No inline
# scripts or styles: templates load static files; a template that cannot avoid an inline
# <script> marks it with nonce="{{ csp_nonce }}".
def content_security_policy(stripe_js_url: str, stripe_api_base: str) -> dict:
    """The policy for a site that takes cards with Stripe.js (or its local stand-in)."""
    js_origin, api_origin = _origin(stripe_js_url), _origin(stripe_api_base)
    scripts, frames, connects = [js_origin], [js_origin], [api_origin]
    if js_origin == "https://js.stripe.com":  # the real Stripe.js: its frames and hosts
        scripts += ["https://*.js.stripe.com"]
        frames += ["https://*.js.stripe.com", "https://hooks.stripe.com"]
    else:  # a local stand-in answers the browser where it was loaded from
        connects += [js_origin]
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE, *filter(None, scripts)],
        "frame-src": list(filter(None, dict.fromkeys(frames))) or [CSP.NONE],
        "connect-src": [CSP.SELF, *filter(None, dict.fromkeys(connects))],
        "img-src": [CSP.SELF, "data:"],
        "style-src": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "object-src": [CSP.NONE],
    }


SECURE_CSP = content_security_policy(STRIPE_JS_URL, STRIPE_API_BASE)


def _csp_follows_stripe(*, setting: str, **kwargs) -> None:
    """Tests point STRIPE_JS_URL at a local server on some port: the policy follows."""
    if setting in ("STRIPE_JS_URL", "STRIPE_API_BASE"):
        from django.conf import settings

        settings.SECURE_CSP = content_security_policy(
            settings.STRIPE_JS_URL, settings.STRIPE_API_BASE
        )


setting_changed.connect(_csp_follows_stripe, weak=False)

# --- Rate limits (config/throttling.py; per client IP) -------------------------------------
# Behind this many proxies, the client is the X-Forwarded-For entry the outermost appended;
# production runs behind a TLS proxy (one), development without.
NUM_PROXIES = env.int("NUM_PROXIES", default=0 if DEBUG else 1)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
# "count/second|minute|hour|day" per scope; a scope left out has no limit. Development
# (DEBUG, and so the test suite) gets a hundred times as much, so that working through
# the pages by hand or running the tests never meets them; tests of a limit lower it.
_production_rates = {
    "register": (30, "minute"),  # registrations and waiting-list sign-ups (API)
    "register_page": (60, "minute"),  # form posts: add/remove attendee, review, confirm
    "token_lookup": (120, "minute"),  # API requests by registration token
    "token_miss": (20, "minute"),  # unknown tokens (404), API and pages
    "promo_miss": (10, "minute"),  # promo codes refused, API and form
    "auth_failure": (10, "minute"),  # wrong organizer API tokens
    "find": (10, "hour"),  # "find my registration", API and form (emails: 3/address/hour)
}
THROTTLE_RATES = {
    scope: f"{count if not DEBUG else count * 100}/{period}"
    for scope, (count, period) in _production_rates.items()
}
if not env.bool("THROTTLE_ENABLED", default=True):  # benchmarks from one address
    THROTTLE_RATES = {}

# --- Admin login protection (django-axes) -------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_ip"  # the same client as the throttles
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]

# --- Health, logs ---------------------------------------------------------------------------
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)

# One JSON object per line (LOG_FORMAT=plain for a terminal), each with the request id;
# tokens, email addresses and Stripe secrets redacted (config/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_settings(log_format=LOG_FORMAT, level=LOG_LEVEL)
STATICFILES_DIRS = [BASE_DIR / "static"]
