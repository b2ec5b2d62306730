"""Settings for the Blueprint portal, read from the environment in this one place.

With nothing set, the portal runs on a SQLite file in var/ and Celery uses an
embedded broker (kombu's filesystem transport in var/broker/), so a fresh
machine with only Python runs every feature. DATABASE_URL and REDIS_URL (or
CELERY_BROKER_URL) switch to PostgreSQL and Redis.
"""
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BLUEPRINT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# BLUEPRINT_HTTPS=1 is production behind TLS (docker-compose turns it on): secure cookies, HSTS, the
# HTTPS redirect, and a real SECRET_KEY required. Off by default so `make run` and the tests run on http.
BLUEPRINT_HTTPS = env_bool("BLUEPRINT_HTTPS", False)
# Production must set SECRET_KEY. The fallback is for the demo and the tests only; its
# "django-insecure-" prefix makes `manage.py check --deploy` flag it.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-demo-key-set-SECRET_KEY-in-production"
if BLUEPRINT_HTTPS and (SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50
                        or len(set(SECRET_KEY)) < 5):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("BLUEPRINT_HTTPS is on: set SECRET_KEY in the environment to a random value of 50+ "
                               "characters (python3 -c \"import secrets; print(secrets.token_urlsafe(50))\").")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "common",
    "accounts",
    "roles",
    "kpis",
    "hiring",
    "blueprint",  # project-wide commands (load_demo), which may know every app
]

MIDDLEWARE = [
    "blueprint.logging.RequestIdMiddleware",  # first: every log line of a request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a post: views that take more than Django's 1,000 fields.
    "common.post_limits.PostFieldLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Body size, over-long numbers and NUL in parameters, before CSRF's process_view reads a form body.
    "common.request_guard.RequestGuardMiddleware",
    "roles.middleware.SessionGroupsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blueprint.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "blueprint.urls"
WSGI_APPLICATION = "blueprint.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A kept connection is tested (SELECT 1) before a request reuses it, so a database restart
        # costs no failed request (tests/faults/test_postgres_restarted.py).
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the worker and beat share one file: wait for locks instead of failing,
    # and take the write lock at BEGIN so transactions never deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in throttling, the role page's fragments and their links generation, DRF's throttles: more than
# one web process (gunicorn workers, machines) must share them, so production sets CACHE_URL (a Redis
# database of its own, e.g. redis://redis:6379/1). Without it, each process has its own memory cache,
# which is right for `make run` and the tests only. An unreachable Redis is served as an empty cache
# (common/cache.py), each call waiting at most CACHE_SOCKET_TIMEOUT seconds.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "blueprint-default",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if env_str("CACHE_URL"):
    _cache_timeout = env_int("CACHE_SOCKET_TIMEOUT", 1)
    CACHES["default"] = {"BACKEND": "common.cache.FailSoftRedisCache", "LOCATION": env_str("CACHE_URL"),
                         "OPTIONS": {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "roles:catalog"
LOGOUT_REDIRECT_URL = "login"
# Sign-in throttling (blueprint/login_throttle.py): only failed attempts count.
LOGIN_THROTTLE_USER_LIMIT = env_int("LOGIN_THROTTLE_USER_LIMIT", 5)
LOGIN_THROTTLE_IP_LIMIT = env_int("LOGIN_THROTTLE_IP_LIMIT", 20)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)
LOGIN_THROTTLE_LOCKOUT = env_int("LOGIN_THROTTLE_LOCKOUT", 15 * 60)
# A group change reaches open sessions on their next request (roles.group_changes, through the cache);
# should the cache have missed it, a session re-reads its group names after this many seconds.
PORTAL_GROUPS_MAX_AGE = env_int("PORTAL_GROUPS_MAX_AGE", 60)
# Days an API token is valid after it is created (accounts.tokens).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)

# ---------- Transport and browser security ----------
# Always on: no MIME sniffing, a strict referrer policy, no framing (X-Frame-Options and the CSP's
# frame-ancestors, blueprint/security.py), session cookie out of reach of scripts.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For (and strips
# any the client sent), BLUEPRINT_BEHIND_PROXY=1 trusts them.
BLUEPRINT_BEHIND_PROXY = env_bool("BLUEPRINT_BEHIND_PROXY", False)
if BLUEPRINT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if BLUEPRINT_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start until collectstatic has run
# "uploads": files staged between an import's preview and its confirmation (common/staging.py). Every
# web process must reach the same storage: the default folder serves the processes of one machine;
# several machines need a shared one, e.g. S3-compatible storage through django-storages:
#   UPLOADS_STORAGE_BACKEND=storages.backends.s3.S3Storage
#   UPLOADS_STORAGE_OPTIONS={"bucket_name": "blueprint", "endpoint_url": "https://s3.example.com"}
# with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (boto3 reads them).
_uploads_backend = env_str("UPLOADS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
_uploads_folder = ({"location": str(VAR_DIR / "staged-uploads")} if _uploads_backend.endswith(".FileSystemStorage")
                   else {})
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "uploads": {"BACKEND": _uploads_backend, "OPTIONS": env_json("UPLOADS_STORAGE_OPTIONS", _uploads_folder)},
}
WHITENOISE_USE_FINDERS = True
# The portal serves no media; an explicit prefix keeps the test live server's media handler (which takes
# every path when MEDIA_URL is empty) off API and page URLs.
MEDIA_URL = "/media/"

# Request bodies (common/request_guard.py refuses a larger Content-Length with 413 before reading it):
# REQUEST_MAX_BODY_BYTES for every view that declares no limit of its own (forms, the sign-in page,
# the editor: Django's own default for form data); the import page takes several blueprint files at
# once, up to UPLOAD_MAX_REQUEST_BYTES; the KPI CSV page its 5 MB file; API writes of a document or
# of bulk rows DATA_UPLOAD_MAX_MEMORY_SIZE. The reverse proxy in front should refuse anything larger
# than the largest of these (README, "Security").
BLUEPRINT_MAX_UPLOAD_BYTES = env_int("BLUEPRINT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 2_621_440)
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = BLUEPRINT_MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded files above this size wait in a temporary file instead of a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Celery: Redis when configured, otherwise an embedded filesystem broker so that a
# real worker and beat run on a machine with nothing but Python.
_broker = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
# The longest any task may run (hard limit, then the soft one that lets it stop cleanly first). The full KPI
# rollup runs under these; every other task sets a shorter limit of its own.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 9 * 60)
# Redis gives a task message back to the queue when it has stayed unacknowledged this long: that is how the
# work of a worker killed mid-task (SIGKILL, a lost machine) is redone, so kombu's hour is far too long. A task
# still running then is handed out a second time, so it must exceed the longest a task may hold its message:
# its hard time limit plus its last retry's countdown (blueprint.celery.check_task_limits says which task does not).
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 15 * 60)
if _broker:
    CELERY_BROKER_URL = _broker
    if _broker.startswith(("redis://", "rediss://")):
        # A broker that is down or hung must not hold a web request: bounded socket waits (kombu
        # waits for ever by default) and, below, one quick publish retry. blueprint/queueing.py
        # reports a task that still cannot be sent.
        _broker_timeout = env_int("CELERY_BROKER_SOCKET_TIMEOUT", 1)
        CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": _broker_timeout,
                                           "socket_timeout": _broker_timeout,
                                           "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
                                           # Look for such messages every 10 s (unacked_restore_interval), not
                                           # every 10th time (kombu's default): one small ZRANGE each time.
                                           "unacked_restore_throttle": 1}
else:
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # Otherwise kombu writes its routing tables to ./control wherever a process starts.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2,
                                    "interval_max": 0.2}
CELERY_IMPORTS = ("blueprint.tasks",)
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged when its task ends, not when it starts, so a task whose worker dies is not lost
# with it. Every task here may run twice (a rollup recomputes from committed data under its lock, a reminder
# goes out once a day per card), which redelivery needs.
CELERY_TASK_ACKS_LATE = True
# ... and a pool process killed under its task (the OOM killer, SIGKILL) puts the message back at once for
# another process, rather than acknowledging it as failed. A hard time limit still acknowledges it: a task
# that never finishes is not run for ever.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# When the connection to Redis drops, a running task goes on and the worker reconnects (the default, said here
# because Celery 6 turns it around): cancelling the task would only help if its message came back, and a Redis
# restarted without persistence (as docker-compose runs it) has lost it; should it come back, the task runs
# again, which is harmless. Celery 5.7.0 exits instead of reconnecting: pyproject.toml keeps it out.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# KPI rollups on PostgreSQL: sort memory per connection, and how many connections a full run
# computes on (0: one per CPU, at most 4). See kpis/rollups/postgres.py.
KPI_ROLLUP_WORK_MEM = env_str("KPI_ROLLUP_WORK_MEM", "256MB")
KPI_ROLLUP_PARALLEL = env_int("KPI_ROLLUP_PARALLEL", 0)
# How long a writer may take from stamping its measurements to committing them (plus clock skew
# between machines) and still be picked up by the next incremental rollup. See kpis/services/rollups.py.
KPI_ROLLUP_GRACE_SECONDS = env_int("KPI_ROLLUP_GRACE_SECONDS", 120)
# Writes queue at most one incremental rollup at a time; a queued one that has not started after this
# long (its worker died, its message was lost) no longer holds the next writer back.
KPI_ROLLUP_CLAIM_STALE_SECONDS = env_int("KPI_ROLLUP_CLAIM_STALE_SECONDS", 300)

# What one diff or comparison request may spend pairing rows by similarity (roles.row_matching.MatchBudget):
# any reader can ask for one. Past either limit, the lists left show added and removed rows.
DIFF_MAX_PAIRS = env_int("DIFF_MAX_PAIRS", 10_000)
DIFF_MAX_SECONDS = env_int("DIFF_MAX_SECONDS", 5)

# ---------- E-mail (scorecard reminders) ----------
# With EMAIL_HOST set, mail goes out over SMTP; without it, to the console (the demo and `make run`).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_SSL:
    EMAIL_USE_TLS = False  # Django refuses both; implicit TLS (port 465) wins when asked for
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a hung SMTP server must not hold a worker
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                        else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "blueprint@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Links in e-mails point here (scheme://host[:port], no trailing slash). Required behind TLS: a reminder
# must never send people to localhost.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "" if BLUEPRINT_HTTPS else "http://127.0.0.1:8000").rstrip("/")
if not PORTAL_BASE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("BLUEPRINT_HTTPS is on: set PORTAL_BASE_URL to the portal's public address "
                               "(https://portal.example.com); e-mailed links are built from it.")

REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with "WWW-Authenticate: Token" (session-only gives 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON through common.strict_json (blueprint/api_parsers.py): hostile bodies are a 400 naming the place.
    "DEFAULT_PARSER_CLASSES": [
        "blueprint.api_parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.numbers.Pages",  # page numbers in the digits 0-9 only
    "PAGE_SIZE": 50,
    # Every error body carries a "detail" in words a person understands (roles/api/errors.py).
    "EXCEPTION_HANDLER": "roles.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "blueprint.schema.PortalAutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Blueprint portal API",
    "DESCRIPTION": "Role blueprints (format v1), their versions and review; hiring scorecards; KPI data. "
                   "Authenticate with `Authorization: Token <key>` (or the session cookie). Every error "
                   "answers {\"detail\": \"…\"}.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "blueprint.schema.constrain_path_parameters"],
    "ENUM_NAME_OVERRIDES": {
        "VersionStatusEnum": "roles.models.VersionStatus",
        "OpeningStatusEnum": "hiring.models.OpeningStatus",
        "ScorecardStatusEnum": "hiring.models.ScorecardStatus",
    },
}

# LOG_FORMAT=json: one JSON object a line (blueprint.logging.JsonFormatter); both formats carry the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "blueprint.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "blueprint.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if env_str("LOG_FORMAT", "plain").lower() == "json" else "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
