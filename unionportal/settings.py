"""Settings, read from the environment with working local defaults.

Production sets at least SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS; see README "Configuration".
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from unionportal import logformat

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "axes",
    "simple_history",
    "django_celery_beat",
    "django_celery_results",
    # Ours, lowest layer first (README "Architecture"; import-linter checks the layers).
    "apps.core",
    "apps.organizations",
    "apps.accounts",
    "apps.imports",
    "apps.notifications",
    "apps.employers",
    "apps.members",
    "apps.assistance",
    "apps.competitions",
    "apps.events",
    "apps.dashboard",
    "apps.reports",
    # Dev tooling with management commands (seed_demo, benchmark); production code never imports them.
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware; a request marked passive (the big screen's poll) does not renew the session.
    "apps.core.middleware.PassiveSessionMiddleware",
    "apps.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its docs require.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

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

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/unionportal"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docs/DEPLOYMENT.md): a named cursor does not survive the
# pool handing the next statement to another server connection.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- read replicas (unionportal/db_router.py, docs/DEPLOYMENT.md) ------------------------------
# DATABASE_REPLICA_URL: one or more PostgreSQL streaming replicas of DATABASE_URL, comma-separated.
# Unset, nothing is installed: every read goes to the primary, with no extra query.
REPLICA_DATABASES = []
for number, url in enumerate(filter(None, (u.strip() for u in env("DATABASE_REPLICA_URL", default="").split(","))), 1):
    alias = f"replica{number}"
    DATABASES[alias] = {**env.db_url_config(url), "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
                        "CONN_HEALTH_CHECKS": True, "TEST": {"MIRROR": "default"},
                        "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]}
    REPLICA_DATABASES.append(alias)
# Reads of these views (GET/HEAD only) and tasks may go to a replica (fnmatch patterns on the
# URL name and the task name): the dashboard, the report centre and generation, the exports, and
# the read-only pages the benchmark measures (bench/pages.py).
REPLICA_READ_VIEWS = env.list("REPLICA_READ_VIEWS", default=[
    "home", "dashboard", "dashboard_export", "dashboard_screen", "dashboard_screen_figures",
    "reports:centre", "reports:row",
    "members:list", "members:detail", "members:count",
    "members:org_counts", "members:county_counts", "members:export",
    "organizations:detail", "organizations:tree", "employers:rate",
    "assistance:file_list", "assistance:queue_counts", "assistance:file_detail", "assistance:totals",
    "competitions:list", "competitions:statistics", "events:event_list",
])
REPLICA_READ_TASKS = env.list("REPLICA_READ_TASKS", default=[
    "apps.reports.tasks.generate_report_task", "apps.members.tasks.build_member_export_task",
])
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)  # read-your-writes window
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=3.0)  # per process
DATABASE_ROUTERS = ["unionportal.db_router.ReplicaRouter"] if REPLICA_DATABASES else []
if REPLICA_DATABASES:  # outermost but security: the whole request is one unit of work (unionportal/db_router.py)
    MIDDLEWARE.insert(1, "unionportal.db_router.ReplicaReadsMiddleware")

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "unionportal",
    }
}
# Redis Sentinel (docs/DEPLOYMENT.md): REDIS_SENTINELS="host1:26379,host2:26379" names the
# sentinels that know which Redis is master of REDIS_SENTINEL_MASTER; the cache (django-redis'
# SentinelClient), the Celery broker (kombu's sentinel:// transport) and /healthz/ then follow
# the master through a failover. REDIS_URL's path still picks the database number.
REDIS_SENTINELS = [
    (host, int(port)) for host, port in
    (item.strip().rsplit(":", 1) for item in env.list("REDIS_SENTINELS", default=[]) if item.strip())
]
REDIS_SENTINEL_MASTER = env("REDIS_SENTINEL_MASTER", default="mymaster")
REDIS_DB = int(env.url("REDIS_URL", default=REDIS_URL).path.strip("/") or 0)
if REDIS_SENTINELS:
    DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://{REDIS_SENTINEL_MASTER}/{REDIS_DB}",  # the master's name, not a host
            "KEY_PREFIX": "unionportal",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.SentinelClient", "SENTINELS": REDIS_SENTINELS},
        }
    }
if env("CACHE_URL", default=""):  # the run command's no-Redis fallback sets locmemcache://
    CACHES = {"default": env.cache("CACHE_URL")}

# --- accounts and sessions -------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.OrganizationModelBackend",  # the user with their organization, one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle timeout: the cookie lives 30 minutes and every request renews it.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# ... but at most once a minute (apps.core.middleware.PassiveSessionMiddleware): a page costs no session write.
SESSION_ENGINE = "apps.core.sessions"
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Hard limit regardless of activity, enforced by SessionLifetimeMiddleware.
SESSION_MAX_LIFETIME_SECONDS = env.int("SESSION_MAX_LIFETIME_SECONDS", default=12 * 60 * 60)

# django-axes: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"  # renders registration/locked_out.html with the retry time

# --- i18n ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["unionportal.formats"]  # dates as 2023-01-15 and 2023-01-15 09:30 in every language

# --- static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Vendored files carry their version in the name, so no manifest is needed
    # and tests do not depend on collectstatic having run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/portal.html"

# --- security -----------------------------------------------------------------
# HTTPS is on by default in production; the local run command serves plain HTTP.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from our own
# static files — no inline <script>, no onclick=/hx-on, no style="" — so an injected tag or
# attribute does nothing. data: images are Bootstrap's own icons inside its CSS (select arrows,
# the navbar toggler, close buttons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Probes call /healthz/ over plain HTTP from inside the network; it carries no cookies or data.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# --- e-mail -------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="unionportal@localhost")

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL if not REDIS_SENTINELS else ";".join(
    f"sentinel://{host}:{port}/{REDIS_DB}" for host, port in REDIS_SENTINELS))
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Remote-control broadcasts (worker ping) are Redis pub/sub; a distinct name keeps two
# deployments (or a test's worker) sharing one Redis from answering each other.
CELERY_CONTROL_EXCHANGE = env("CELERY_CONTROL_EXCHANGE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_LOG_FORMAT = logformat.FORMAT
CELERY_WORKER_LOG_DATEFMT = logformat.DATEFMT
CELERY_WORKER_TASK_LOG_FORMAT = logformat.TASK_FORMAT
CELERY_WORKER_TASK_LOG_DATEFMT = logformat.DATEFMT
# A message taken by a worker that dies unacknowledged goes back to the queue after the
# visibility timeout. It must exceed the longest task (and any retry's countdown), or a
# task still running is handed to a second worker; the upload tasks stop at
# IMPORT_TASK_TIME_LIMIT_SECONDS, and the upload sweeper re-sends their jobs long before
# the timeout (a late redelivery then finds its try superseded and does nothing).
CELERY_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}
if CELERY_BROKER_URL.startswith("sentinel://"):
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
# Queues (docs/DEPLOYMENT.md "Celery workers per queue"): long uploads, long reports and exports,
# and e-mail each have their own, so a county's 30-minute import never holds up a password
# e-mail; the sweepers, purges and everything else go to `default`. One machine runs one worker
# consuming all four (Procfile, tests/core/test_celery_queues.py checks it).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "apps.imports.tasks.validate_import": {"queue": "imports"},
    "apps.imports.tasks.commit_import_task": {"queue": "imports"},
    "apps.reports.tasks.generate_report_task": {"queue": "reports"},
    "apps.dashboard.tasks.refresh_dashboard_snapshots": {"queue": "reports"},
    "apps.members.tasks.build_member_export_task": {"queue": "reports"},
    "apps.notifications.tasks.send_notification_email_task": {"queue": "notifications"},
    "apps.notifications.tasks.run_reminder_rule_task": {"queue": "notifications"},
}
CELERY_QUEUE_NAMES = ["default", "imports", "reports", "notifications"]
# Used only by the run command's last-resort fallback when no Redis can be had.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER

# --- uploads ------------------------------------------------------------------
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheet uploads (apps.imports, reading through apps.core.spreadsheets): refused above these, with a clear message.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
CELERY_IMPORTS = ["apps.imports.tasks"]
# Validation and commit run in the worker and stamp a heartbeat on the job as they go; the
# sweeper (beat, every minute) sends a job whose heartbeat is older than the timeout again,
# after IMPORT_RETRY_BACKOFF_SECONDS doubled per try, and fails it with a reason the clerk
# reads after IMPORT_MAX_ATTEMPTS tries (apps/imports/attempts.py).
IMPORT_HEARTBEAT_TIMEOUT_SECONDS = env.int("IMPORT_HEARTBEAT_TIMEOUT_SECONDS", default=120)
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", default=3)
IMPORT_RETRY_BACKOFF_SECONDS = env.int("IMPORT_RETRY_BACKOFF_SECONDS", default=30)
IMPORT_TASK_TIME_LIMIT_SECONDS = env.int("IMPORT_TASK_TIME_LIMIT_SECONDS", default=1800)
# Attachments (hardship documents and every later app's): outside MEDIA_ROOT, served only by scoped views.
PRIVATE_FILES_ROOT = env.path("PRIVATE_FILES_ROOT", default=BASE_DIR / "var" / "private")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A kept file no row names after this many hours was left by a rolled-back transaction.
PRIVATE_FILES_ORPHAN_HOURS = env.int("PRIVATE_FILES_ORPHAN_HOURS", default=6)
# Personal data in uploads (checked rows, stored file) and background exports is kept no
# longer than the work needs; django-celery-beat runs the purges nightly.
IMPORT_DETAIL_KEEP_DAYS = env.int("IMPORT_DETAIL_KEEP_DAYS", default=30)
EXPORT_FILE_KEEP_DAYS = env.int("EXPORT_FILE_KEEP_DAYS", default=7)
# Membership transfers (apps.members): a request waiting longer than this is shown to the
# clerks above both unions; a user may look people up by full ID number this often an hour.
TRANSFER_OVERDUE_DAYS = env.int("TRANSFER_OVERDUE_DAYS", default=14)
TRANSFER_LOOKUPS_PER_HOUR = env.int("TRANSFER_LOOKUPS_PER_HOUR", default=30)
# Reports (apps.reports): files kept in private storage under REPORT_FILES_ROOT for
# REPORTS_KEEP_DAYS, then deleted by beat (the record stays, shown as expired). A generation
# stamps a heartbeat as it goes; the sweeper (beat, every minute) sends a quiet one again after
# REPORTS_RETRY_BACKOFF_SECONDS doubled per try, and fails it with a reason after
# REPORTS_MAX_ATTEMPTS tries (apps/reports/attempts.py). REPORTS_STEP_PAUSE_SECONDS slows every
# step down: only for tests that must catch a generation halfway.
REPORT_FILES_ROOT = env.path("REPORT_FILES_ROOT", default=BASE_DIR / "var" / "private" / "reports")
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=90)
REPORTS_HEARTBEAT_TIMEOUT_SECONDS = env.int("REPORTS_HEARTBEAT_TIMEOUT_SECONDS", default=300)
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=3)
REPORTS_RETRY_BACKOFF_SECONDS = env.int("REPORTS_RETRY_BACKOFF_SECONDS", default=60)
REPORTS_TASK_TIME_LIMIT_SECONDS = env.int("REPORTS_TASK_TIME_LIMIT_SECONDS", default=1800)
REPORTS_STEP_PAUSE_SECONDS = env.float("REPORTS_STEP_PAUSE_SECONDS", default=0.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-import-jobs": {"task": "apps.imports.tasks.sweep_import_jobs", "schedule": 60.0},
    "purge-import-details": {
        "task": "apps.imports.tasks.purge_import_details", "schedule": crontab(hour=3, minute=30),
    },
    "sweep-private-files": {
        "task": "apps.core.tasks.sweep_private_files", "schedule": crontab(hour=3, minute=55),
    },
    "purge-member-exports": {
        "task": "apps.members.tasks.purge_member_exports", "schedule": crontab(hour=3, minute=40),
    },
    # The kept member figures against a count over the members (issue 15): logs drift, repairs it.
    "recount-member-figures": {
        "task": "apps.members.tasks.recount_member_figures", "schedule": crontab(hour=3, minute=50),
    },
    "sweep-reports": {"task": "apps.reports.tasks.sweep_reports", "schedule": 60.0},
    "purge-expired-reports": {
        "task": "apps.reports.tasks.purge_expired_reports", "schedule": crontab(hour=4, minute=0),
    },
    # Last month's statistics for the city and each county/district, early on the 1st.
    "schedule-monthly-statistics": {
        "task": "apps.reports.tasks.schedule_monthly_statistics",
        "schedule": crontab(day_of_month=1, hour=1, minute=0),
    },
    # The federations' dashboards computed in advance (apps.dashboard.snapshots: never shown
    # older than 15 minutes, so every 10).
    "refresh-dashboard-snapshots": {
        "task": "apps.dashboard.tasks.refresh_dashboard_snapshots", "schedule": crontab(minute="*/10"),
    },
    # Every registered reminder rule (apps.notifications.registry), each idempotent by its key.
    "run-reminder-rules": {
        "task": "apps.notifications.tasks.run_reminder_rules", "schedule": crontab(hour=7, minute=30),
    },
}
# Links in notification e-mails: the portal's address as users reach it (no trailing slash).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# One line format and time zone in every process (unionportal/logformat.py); Celery's worker
# and beat write theirs in it too (CELERY_WORKER_LOG_FORMAT above).
LOGGING = logformat.dict_config(env("LOG_LEVEL", default="INFO"))
LOGGING["filters"] = {"refusal_without_traceback": {"()": "apps.core.logfilters.RefusalWithoutTraceback"}}
LOGGING["loggers"] = {
    "django.db.backends": {"level": "INFO"},
    # WeasyPrint (report PDFs) logs every layout step at INFO; its warnings still show.
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
    "django.request": {"filters": ["refusal_without_traceback"]},
}
