"""Settings shared by every environment, read from the environment (django-environ).

Without DATABASE_URL the app runs on an embedded SQLite file; without REDIS_URL the
cache is in-process and Celery uses a broker that needs no server (kombu's filesystem
transport), so the whole product works with nothing but Python installed.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "auditlog",
    # ours: the shared app first, then the domain apps in dependency order.
    "workplace",
    "merchants",
    "scoring",
    "commissions",
    "complaints",
    "compensation",
    "plans",
    "settlement",
    "alliance",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below).
    "workplace.security.PagePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # auditlog's, with the client address by the trusted-proxy rule (workplace.audit).
    "workplace.audit.AuditlogMiddleware",
    # AxesMiddleware last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# Scripts from this site only (no inline script, no eval: every handler is in static/js);
# styles may be inline because the pages and ECharts set style attributes, which cannot
# run code. Nothing may frame the pages, and forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workplace.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), an SQLite file otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection that the database dropped (a restart, a failover) is replaced before
# use, not reused into an error (tests/faults/test_database_restart.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Short queries only: PostgreSQL's JIT compiles any plan whose estimated cost is high
    # (the dashboards' aggregates over every application) and spent more time compiling
    # than running it (bench/README.md "Dashboards": 54 ms of a 190 ms query).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # Django's Redis backend, reusing one client per connection pool (workplace.cache).
    CACHES = {"default": {"BACKEND": "workplace.cache.RedisCache", "LOCATION": REDIS_URL}}
    # A Redis that stops answering fails a cache call within a second (the caller falls
    # back, CONTRIBUTING.md "Outages") instead of holding the request until the OS gives up.
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Passwords: Argon2 first; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first so that a locked-out username + IP is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): lock on username + IP, since many users share one
# carrier-NAT address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workplace.views.lockout_response"
# The client's address, for the lockout, the login throttle and the audit trail alike
# (workplace.network.client_ip). X-Forwarded-For is written by the client unless a proxy
# we run appends to it, so it counts only when the deployment says how many proxies stand
# in front (TRUSTED_PROXY_COUNT, e.g. 1 behind one nginx; AXES_PROXY_COUNT is its old name):
# then the Nth address from the right is the client's; with none, REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "workplace.network.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded documents are private: they are never served from a public URL, only through
# permission-checked views.
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads and generated PDFs on S3-compatible object storage (AWS, MinIO, Ceph, OSS/COS
# through their S3 APIs) when a bucket is configured, so several web and worker replicas
# share them (django-storages). Objects are private: the app streams them to whoever its
# views allow, it never hands out a bucket URL.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("S3_PREFIX", default="media"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # The bucket's own encryption at rest ("AES256", "aws:kms"), where the service offers it.
    if env("S3_SERVER_SIDE_ENCRYPTION", default=""):
        STORAGES["default"]["OPTIONS"]["object_parameters"] = {"ServerSideEncryption": env("S3_SERVER_SIDE_ENCRYPTION")}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="zhaoshang@localhost")

# API tokens (workplace.api.tokens): each login issues one living this long; a user keeps
# at most this many, the oldest beyond revoked; a password change revokes them all.
API_TOKEN_LIFETIME = dt.timedelta(hours=env.int("API_TOKEN_LIFETIME_HOURS", default=24 * 30))
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)

REST_FRAMEWORK = {
    # Tokens first: DRF answers an unauthenticated call with the first class's challenge,
    # so a caller without credentials gets 401 + "WWW-Authenticate: Token" (a session
    # has no challenge, which made it a 403). Tokens have a lifetime, are stored as
    # digests (workplace.api.tokens) and name the caller as the actor of audited changes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workplace.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser and renderer, refusing with a 400 what they would crash on: a body
    # nested too deeply, a lone surrogate, a number beyond a float (workplace.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "workplace.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "workplace.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "workplace.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "workplace.api.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workplace.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    # Throttles key on the client's address by the same rule (DRF's NUM_PROXIES counts
    # from the right like workplace.network.client_ip; unset, it keys on the whole header).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Zhaoshang API",
    "DESCRIPTION": "Merchant recruitment platform (招商): onboarding, star rating, "
    "commission approval, complaints and compensation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the sidecar package: no CDN, works on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's 4xx answers, with the one error body (workplace.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workplace.api.schema.document_errors",
    ],
    # One clear name per choice set shared by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "merchants.models.ApplicationStatus",
        "MerchantStatusEnum": "merchants.models.MerchantStatus",
        "DocumentKindEnum": "merchants.models.DocumentKind",
        "RateRequestStatusEnum": "commissions.models.RequestStatus",
        "RateRequestKindEnum": "commissions.models.RequestKind",
        "LadderRoleEnum": "commissions.models.LADDER_CHOICES",
        "ApproverRoleEnum": "commissions.models.APPROVER_CHOICES",
        "ComplaintStatusEnum": "complaints.models.ComplaintStatus",
        "DisputeLevelEnum": "complaints.models.DisputeLevel",
        "PayrollRunKindEnum": "compensation.models.RunKind",
        "PayrollRunStatusEnum": "compensation.models.RunStatus",
        "AllocationStatusEnum": "compensation.models.AllocationStatus",
        "PayslipItemKindEnum": "compensation.models.ItemKind",
        "RegionKindEnum": "plans.models.RegionKind",
        "StatementStatusEnum": "settlement.models.StatementStatus",
    },
}

# Audit trail (django-auditlog): every model of the product is tracked with actor,
# remote address and before/after values; framework bookkeeping is left out.
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "admin",
    "axes",
    "auditlog",
    "django_celery_beat",
    "workplace.apitoken",
    "contenttypes",
    "workplace.notification",
    "workplace.demodataset",
    "workplace.auditseal",
    # A draft run's lines are derived figures, replaced on each recomputation; the run's
    # status changes and the inputs (profits, handovers, adjustments) are audited.
    "compensation.payrollline",
    "compensation.lineitem",
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("password", "last_login")
AUDITLOG_STORE_JSON_CHANGES = True
# Personal data (encrypted at rest, workplace.pii) is recorded masked: its last 4 characters.
AUDITLOG_MASK_TRACKING_FIELDS = ("legal_rep_id_number", "contact_phone", "phone")
AUDITLOG_MASK_CALLABLE = "workplace.pii.audit_mask"
AUDITLOG_INCLUDE_TRACKING_MODELS = ({"model": "merchants.document", "mask_fields": ["number"]},)
# The keys of personal data at rest (workplace.pii): base64 of 32 bytes each, the first
# encrypts, all decrypt (rotation: a new key first, then `manage.py rotate_pii_keys`).
# PII_HASH_KEY keys the lookup hashes. Unset: both derived from SECRET_KEY.
PII_KEYS = env.list("PII_KEYS", default=[])
PII_HASH_KEY = env("PII_HASH_KEY", default="")
# The audit trail's hash chain (workplace.audit_chain) is keyed with the first of these;
# older keys stay listed so the entries they sealed still verify. Keep them out of the
# database (the environment, a secret store). Empty: a key derived from SECRET_KEY.
AUDIT_CHAIN_KEYS = env.list("AUDIT_CHAIN_KEYS", default=[])

# Celery. With REDIS_URL: Redis broker, workers and beat as separate processes. Without:
# a broker that needs no server (files under var/celery), worker and beat started by the
# run script next to the web server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    # Publishing happens after a request's commit: a Redis that stops answering must give
    # up within seconds (a task it loses is done by its sweep, workplace.tasks).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 3}
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
else:
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Scheduled jobs derive what is due from the database, so a missed run catches up.
CELERY_BEAT_SCHEDULE = {
    "workplace-seal-audit-log": {
        "task": "workplace.tasks.seal_audit_log",
        "schedule": crontab(minute="*/5"),
    },
    "workplace-deliver-pending-email": {
        "task": "workplace.tasks.deliver_pending_email",
        "schedule": crontab(minute="*/5"),
    },
    # Onboarding deadlines (SPEC.md §1.5): reminders, escalation, expiry of stale changes.
    "merchants-onboarding-deadlines": {
        "task": "merchants.tasks.process_onboarding_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    # A system check whose task was lost (worker down at submit) is run again.
    "merchants-stalled-system-checks": {
        "task": "merchants.tasks.run_stalled_system_checks",
        "schedule": crontab(minute="*/10"),
    },
    # Approval requests waiting more than one working day at their current step (§3).
    "commissions-remind-overdue-approvals": {
        "task": "commissions.tasks.remind_overdue_approvals",
        "schedule": crontab(minute=0, hour="9-18"),
    },
    # Complaint notices and overdue steps (SPEC.md §4); quiet 21:00–08:00, caught up after.
    "complaints-deadlines": {
        "task": "complaints.tasks.process_complaint_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    # Payroll (SPEC.md §5.7): the previous month on the 1st, the previous quarter's bonus
    # on the first day of a quarter, the year-end pools on 2 January; each run is started
    # once (a repeated or missed start finds or makes the same run), and a run a killed
    # worker left uncomputed is completed by the sweep.
    "compensation-monthly-payroll": {
        "task": "compensation.tasks.run_scheduled_payroll",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
        "kwargs": {"kind": "monthly"},
    },
    "compensation-quarterly-bonus": {
        "task": "compensation.tasks.run_scheduled_payroll",
        "schedule": crontab(minute=30, hour=3, day_of_month=1, month_of_year="1,4,7,10"),
        "kwargs": {"kind": "quarterly"},
    },
    "compensation-year-end-bonus": {
        "task": "compensation.tasks.run_scheduled_payroll",
        "schedule": crontab(minute=0, hour=4, day_of_month=2, month_of_year=1),
        "kwargs": {"kind": "year_end"},
    },
    "compensation-pending-runs": {
        "task": "compensation.tasks.compute_pending_payroll_runs",
        "schedule": crontab(minute="*/10"),
    },
    # Deposit refunds (SPEC.md §8): finance reminded before the 30 working days run out,
    # the general manager told of an overdue one; each notice once.
    "settlement-deposit-refunds": {
        "task": "settlement.tasks.remind_deposit_refunds",
        "schedule": crontab(minute=40, hour="9-18"),
    },
    # Settlement (SPEC.md §8, T+15): yesterday's statements and any missed day before it
    # closed and made payable; a repeated run adds nothing.
    "settlement-statements": {
        "task": "settlement.tasks.settle_statements",
        "schedule": crontab(minute=15, hour=1),
    },
    # Credit rating (SPEC.md §8): every signed merchant rated for the month that starts,
    # from the 12 months before it; a repeated run rates only the merchants still unrated.
    "settlement-credit-ratings": {
        "task": "settlement.tasks.rate_merchants",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    # Alerts (issue 10 §3): thresholds checked hourly, each breach notified once; a lost
    # run is done by the next one.
    "dashboards-alerts": {
        "task": "dashboards.tasks.evaluate_alerts",
        "schedule": crontab(minute=20),
    },
}

SITE_NAME = _("Zhaoshang merchant recruitment")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Nothing personal in the logs: ID, phone and card numbers masked on every record.
    "filters": {"redact_personal": {"()": "workplace.log_redaction.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
