"""Settings for the safeguarding partnership portal.

Everything that differs between a laptop and production comes from environment
variables. With none set the portal runs embedded: SQLite, Celery tasks run eagerly
in-process, email printed to the console and DEBUG on. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "csp",
    # The portal's apps, from the ground floor up (import-linter checks the layers).
    "partnership",
    "agencies",
    "people",
    "training",
    "reviews",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every response; each keeps a header a response set itself (so the
    # published report, answered by PublishedReportMiddleware below, keeps its own CSP).
    "csp.middleware.CSPMiddleware",
    "lib.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reports.frozen.PublishedReportMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in rules (people/middleware.py): idle and absolute session limits, once the user is
    # known and a message can say why they were signed out.
    "people.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: privileged users without a second factor may only set one up; a cache
    # outage during sign-in answers a clear 503 page instead of a 500.
    "people.middleware.MfaRequiredMiddleware",
    "people.middleware.SignInCacheOutageMiddleware",
    "partnership.middleware.AuditContextMiddleware",
    # Innermost, so it sees the view's own Cache-Control: no-store for signed-in users and downloads.
    "lib.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "partnership.context_processors.portal",
                "people.context_processors.sign_in",
            ],
        },
    },
]

# Databases: SQLite unless DATABASE_URL is set. Connections persist between requests
# and are checked before reuse, so a restarted PostgreSQL does not break a worker.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The cache is an optimisation: if Redis is down or hung, a call fails within a second and the caller
# falls back to the database (reports/frozen.py), instead of redis-py's default 3 retries with backoff.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts and sign-in (the rules themselves live in people/: adapters.py, middleware.py,
# mfa.py). Sign-in by username or email; nobody signs themselves up, the business manager
# or an administrator creates accounts.
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
MFA_ADAPTER = "people.adapters.MFAAdapter"
ACCOUNT_FORMS = {
    "login": "people.forms.LoginForm",
    "reauthenticate": "people.forms.ReauthenticateForm",
    "change_password": "people.forms.ChangePasswordForm",
    "reset_password": "people.forms.ResetPasswordForm",
    "add_email": "people.forms.AddEmailForm",
}
MFA_FORMS = {
    "authenticate": "people.forms.MfaAuthenticateForm",
    "reauthenticate": "people.forms.MfaReauthenticateForm",
    "activate_totp": "people.forms.ActivateTOTPForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Rate limits (allauth keeps the counters in the cache). Per address the limits are high,
# so that everyone behind one proxy or NAT is not locked out by a few mistakes; per account
# ("key": the account a username or email names) five failures lock it for five minutes,
# and a password reset from an emailed link clears that lock (people/adapters.py).
ACCOUNT_RATE_LIMITS = {"login": "120/m/ip", "login_failed": "60/m/ip,5/5m/key"}
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# A code typed just as the app shows the next one still works (one 30-second step either way);
# each code works once (allauth remembers used codes in the cache).
MFA_TOTP_TOLERANCE = 1
# Publishing, role changes and exports ask for the password or a code again when the last
# one was given longer ago than this (allauth's default, seconds).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("PORTAL_REAUTHENTICATION_SECONDS", 300)
# How many reverse proxies in front of the portal append to X-Forwarded-For: 0 trusts no
# header and uses the connecting address. Rate limits and the audit trail use this rule
# (lib/http.py client_ip).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PORTAL_TRUSTED_PROXY_COUNT", 0)
# Roles that must sign in with a second factor; "staff" means is_staff or superuser. A
# partnership may also require it of every role (Partnership.require_mfa_for_all).
PORTAL_MFA_ROLE_CHOICES = ("business_manager", "scrutineer", "agency_lead", "contributor", "staff")
PORTAL_MFA_REQUIRED_ROLES = env_list("PORTAL_MFA_REQUIRED_ROLES", ["business_manager", "scrutineer", "staff"])
if unknown := set(PORTAL_MFA_REQUIRED_ROLES) - set(PORTAL_MFA_ROLE_CHOICES):
    raise ImproperlyConfigured(
        f"PORTAL_MFA_REQUIRED_ROLES has unknown roles {sorted(unknown)}; use some of {list(PORTAL_MFA_ROLE_CHOICES)}."
    )
# The embedded demo may waive two-factor sign-in (a banner says so on every page); never
# with DEBUG off.
PORTAL_MFA_WAIVED = env_bool("PORTAL_MFA_WAIVED", False)
if PORTAL_MFA_WAIVED and not DEBUG:
    raise ImproperlyConfigured("PORTAL_MFA_WAIVED is for the embedded demo only: unset it when DJANGO_DEBUG is off.")
# Sessions end after this long without a request, and this long after signing in, whether
# or not "keep me signed in" was ticked (which only keeps the cookie past closing the browser).
PORTAL_SESSION_IDLE_MINUTES = env_int("PORTAL_SESSION_IDLE_MINUTES", 30)
PORTAL_SESSION_MAX_HOURS = env_int("PORTAL_SESSION_MAX_HOURS", 12)
if PORTAL_SESSION_IDLE_MINUTES < 1 or PORTAL_SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("PORTAL_SESSION_IDLE_MINUTES and PORTAL_SESSION_MAX_HOURS must be at least 1.")
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_HOURS * 3600

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# With DEBUG off, `check --deploy` fails unless DJANGO_EMAIL_BACKEND names a backend that
# delivers (lib/checks.py): the console default would put every email in the worker's log.
PORTAL_EMAIL_BACKEND_SET = bool(env_str("DJANGO_EMAIL_BACKEND"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# How the portal names itself in email, and the address its links start with (emails are
# sent by workers and commands, which have no request to read the host from).
PORTAL_NAME = env_str("PORTAL_NAME", "Safeguarding partnership portal")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
PORTAL_INVITATION_DAYS = env_int("PORTAL_INVITATION_DAYS", 7)
# Imports: an upload that failed its check or import is kept this many days (for the manager to see
# what went wrong), then removed by training.import_files_clean; a done or cancelled one at once.
PORTAL_FAILED_IMPORT_DAYS = env_int("PORTAL_FAILED_IMPORT_DAYS", 7)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "portal@safeguarding-partnership.invalid")

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process. JSON only,
# so no task can be handed a pickled object.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The PDF job (reports.tasks.published_report_pdf; docs/ARCHITECTURE.md, "The PDF job").
# A run is killed at PORTAL_PDF_TIME_LIMIT seconds, so a run that started longer ago than
# its lease (the limit and a minute's grace) is certainly dead: the sweeper, run by beat
# every PORTAL_PDF_SWEEP_SECONDS, queues it again, and queues a PDF still waiting for a
# worker after PORTAL_PDF_PENDING_MINUTES. The drill test shortens these through the
# environment; production keeps the defaults.
PORTAL_PDF_TIME_LIMIT = env_int("PORTAL_PDF_TIME_LIMIT", 900)
PORTAL_PDF_LEASE_SECONDS = env_int("PORTAL_PDF_LEASE_SECONDS", PORTAL_PDF_TIME_LIMIT + 60)
PORTAL_PDF_PENDING_MINUTES = env_int("PORTAL_PDF_PENDING_MINUTES", 15)
PORTAL_PDF_SWEEP_SECONDS = env_int("PORTAL_PDF_SWEEP_SECONDS", 300)
PORTAL_PDF_MAX_ATTEMPTS = env_int("PORTAL_PDF_MAX_ATTEMPTS", 3)
# Redis hands an unacknowledged message (acks_late) to another worker after the visibility
# timeout. It is kept LONGER than the longest run (the PDF's lease), or every long run, and
# every message prefetched behind it, would be delivered twice while it is still running:
# harmless for the PDF (its lease and the READY check under a lock), not for email. A lost
# run comes back sooner through the sweeper, at the end of its lease. One message prefetched
# per process, so few wait unacknowledged behind a long PDF.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", max(1800, 2 * PORTAL_PDF_LEASE_SECONDS))
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Imports need the model's explicit "import_<model>" permission; every import runs in
# one transaction, so a single bad row rolls back the whole file.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) for every portal page: scripts and styles only from
# the portal's own static files (no inline script or style attribute anywhere), data: images
# only for the logo preview on the settings page, no framing, forms post only to the portal.
# A view with other needs says so with csp.decorators (the report preview, inline CSS and SVG).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint reports every CSS property it ignores (SVG styles, for one) and every
        # layout step; the PDF task reads the steps itself, for its progress bar.
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # says on import that its logging bridge is ready
    },
}
