"""AlgoAgent settings: one module, everything read from the environment.

Profiles (``ALGOAGENT_PROFILE``):
- ``production`` (default): DEBUG off, SECRET_KEY required.
- ``local`` (what ``make run`` uses): DEBUG on, a per-install SECRET_KEY kept in the data directory.
- ``test`` (what the test suite uses): fast password hashing, tasks run immediately.

Every variable is documented in ``.env.example`` and in the README's configuration table.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from bokeh.util.paths import bokehjs_path
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from algoagent import __version__
from algoagent.env import env_bool, env_choice, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# A .env file is optional; real environment variables win over it.
load_dotenv(BASE_DIR / ".env", override=False)

PROFILE = env_choice("ALGOAGENT_PROFILE", "production", ("production", "local", "test"))
DEBUG = env_bool("DEBUG", PROFILE == "local")
VERSION = __version__

# --- Runtime files: SQLite db, strategy files, results, plots, market-data cache ---------------
DATA_DIR = env_path("ALGOAGENT_DATA_DIR", BASE_DIR / "var", base=BASE_DIR)
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key(path: Path) -> str:
    """Read the per-install key, creating it once; it lives in the data dir, never in git."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or PROFILE in ("local", "test"):
        SECRET_KEY = _local_secret_key(DATA_DIR / "secret_key")
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is false. Set it in the environment or .env "
            "(for local development use `make run`, which generates one in the data directory)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "jobs",  # before django_tasks_db: its db_worker command adds a heartbeat
    "django_tasks_db",
    "algoagent",
    "accounts",
    "apikeys",
    "strategy_api",
    "backtest_api",
    "data_api",
    "templates_api",
    "production_api",
    "chat_api",
    "retention",
    "web",
    "research_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.GZipExceptEventStreamsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "algoagent.middleware.ApiBodySizeLimitMiddleware",
    "algoagent.middleware.ApiUnknownUrlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "algoagent.urls"
WSGI_APPLICATION = "algoagent.wsgi.application"
ASGI_APPLICATION = "algoagent.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -----------------------------------------------------------------------------------
_default_db_url = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
try:
    _db = dj_database_url.parse(
        env_str("DATABASE_URL", _default_db_url) or _default_db_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, min_value=0),
        conn_health_checks=True,
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write concurrently: WAL plus a busy timeout and
    # IMMEDIATE transactions avoid "database is locked" errors under that load.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PROFILE == "test":
    # Tests create many users; MD5 keeps them fast. Never used outside the test profile.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Failed logins per client address and username before login answers 429, and the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, min_value=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 300, min_value=1)

# API tokens: lifetime in hours (0 = never expire; expired ones answer 401 token_expired), and
# how many one user may hold (a new one beyond it revokes the least recently used).
TOKEN_TTL_HOURS = env_int("TOKEN_TTL_HOURS", 0, min_value=0)
TOKEN_MAX_PER_USER = env_int("TOKEN_MAX_PER_USER", 20, min_value=1, max_value=1000)

# Demo account created by `make run` when the database has no users.
DEMO_USERNAME = env_str("ALGOAGENT_DEMO_USERNAME", "demo")
DEMO_PASSWORD = env_str("ALGOAGENT_DEMO_PASSWORD")

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (Swagger UI assets are served locally, so the docs work offline) --------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# BokehJS ships inside the bokeh package: backtest plots load it from here, not from a CDN.
STATICFILES_DIRS = [("bokeh", bokehjs_path())]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Cache (throttles, login-failure counters): shared by every web and worker process -----------
# The database cache by default (its table is created by `migrate`, and by `createcachetable`);
# Redis when CACHE_URL (or REDIS_URL) is a redis:// URL; locmem:// only for a single process.
CACHE_TABLE = "algoagent_cache"


def _cache_from_url(name: str, url: str) -> dict[str, str]:
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if not url or scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    if scheme in ("redis", "rediss", "unix"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "algoagent"}
    raise ImproperlyConfigured(
        f"{name} must be db://, redis://host:port/db or locmem://, got {url!r}"
    )


_cache_variable = "CACHE_URL" if env_str("CACHE_URL") else "REDIS_URL"
CACHES = {"default": _cache_from_url(_cache_variable, env_str(_cache_variable))}

# --- Background tasks (django.tasks + django-tasks-db) -----------------------------------------
_tasks_backend = env_choice(
    "ALGOAGENT_TASKS_BACKEND",
    "immediate" if PROFILE == "test" else "database",
    ("database", "immediate"),
)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if _tasks_backend == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}

# Jobs: a running job's worker refreshes its heartbeat every JOB_HEARTBEAT_SECONDS; a job whose
# heartbeat is older than JOB_STALE_SECONDS is failed as "worker_lost".
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 5, min_value=1)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 60, min_value=2)
JOB_SSE_MAX_SECONDS = env_int("JOB_SSE_MAX_SECONDS", 600, min_value=5)
# Fair share: queued+running jobs one user may have (beyond it: 429 too_many_jobs).
JOB_MAX_ACTIVE_PER_USER = env_int("JOB_MAX_ACTIVE_PER_USER", 5, min_value=1, max_value=1000)
# Wake-ups between web and worker processes on this host (Unix datagram sockets), and how often
# the one shared poller per process re-reads watched jobs in case a wake-up was lost.
JOB_NOTIFY_DIR = env_path("JOB_NOTIFY_DIR", DATA_DIR / "notify", base=BASE_DIR)
JOB_NOTIFY_POLL_SECONDS = env_int("JOB_NOTIFY_POLL_SECONDS", 1, min_value=1, max_value=60)

# --- Sandbox (where untrusted strategy code runs) -----------------------------------------------
SANDBOX_WORK_DIR = env_path("SANDBOX_WORK_DIR", DATA_DIR / "runs", base=BASE_DIR)
SANDBOX_POOL_SIZE = env_int("SANDBOX_POOL_SIZE", 2, min_value=1, max_value=64)
SANDBOX_TIMEOUT_SECONDS = env_int("SANDBOX_TIMEOUT_SECONDS", 60, min_value=1, max_value=3600)
SANDBOX_MEMORY_MB = env_int("SANDBOX_MEMORY_MB", 2048, min_value=512)
# Run files (plots, results.json): kept this many days, at most this many MB per user (oldest
# go first), pruned by the workers every RUN_PRUNE_INTERVAL_MINUTES and by `manage.py prune_runs`.
RUN_RETENTION_DAYS = env_int("RUN_RETENTION_DAYS", 30, min_value=1)
RUN_MAX_MB_PER_USER = env_int("RUN_MAX_MB_PER_USER", 500, min_value=1)
RUN_PRUNE_INTERVAL_MINUTES = env_int("RUN_PRUNE_INTERVAL_MINUTES", 60, min_value=1)
# Largest plot a run may store; a bigger one (forged by the strategy) is refused and deleted.
RUN_PLOT_MAX_BYTES = env_int("RUN_PLOT_MAX_BYTES", 10_485_760, min_value=100_000)
# The plot is drawn after the answer; one still "pending" this long after its run (the process
# drawing it died) is marked failed.
RUN_PLOT_STALE_SECONDS = env_int("RUN_PLOT_STALE_SECONDS", 600, min_value=10)
# Refuse to run strategy code unless these isolation layers are active (comma-separated).
SANDBOX_REQUIRE_LAYERS = env_list("SANDBOX_REQUIRE_LAYERS", [])

# --- LLM ---------------------------------------------------------------------------------------
# auto: Gemini when a key is configured (GEMINI_API_KEYS, GEMINI_KEY_<alias>, GEMINI_API_KEY),
# else the deterministic offline generator. The keys are read where they are used, never here.
LLM_PROVIDER = env_choice("ALGOAGENT_LLM_PROVIDER", "auto", ("auto", "offline", "gemini"))
GEMINI_MODEL = env_str("GEMINI_MODEL", "gemini-2.5-flash")
GEMINI_BASE_URL = env_str("GEMINI_BASE_URL")
GEMINI_TIMEOUT_SECONDS = env_int("GEMINI_TIMEOUT_SECONDS", 60, min_value=1)
GEMINI_MAX_RETRIES = env_int("GEMINI_MAX_RETRIES", 3, min_value=0, max_value=10)
KEY_COOLDOWN_SECONDS = env_int("KEY_COOLDOWN_SECONDS", 60, min_value=1)

# --- API ---------------------------------------------------------------------------------------
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1_048_576, min_value=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
STRATEGY_CODE_MAX_BYTES = env_int("STRATEGY_CODE_MAX_BYTES", 100_000, min_value=1000)
# Market data: uploads (CSV) and how much one request may read.
DATASET_UPLOAD_MAX_BYTES = env_int("DATASET_UPLOAD_MAX_BYTES", 10_000_000, min_value=1000)
DATASET_UPLOAD_MAX_ROWS = env_int("DATASET_UPLOAD_MAX_ROWS", 200_000, min_value=10)
DATASET_MAX_PER_USER = env_int("DATASET_MAX_PER_USER", 50, min_value=1)
MARKET_DATA_MAX_ROWS = env_int("MARKET_DATA_MAX_ROWS", 100_000, min_value=100)
INDICATOR_SERIES_MAX_ROWS = env_int("INDICATOR_SERIES_MAX_ROWS", 10_000, min_value=100)
# How long POST /api/backtests/quick_run/ waits for its result when no `Prefer: wait` is sent.
BACKTEST_QUICK_RUN_WAIT_SECONDS = env_int(
    "BACKTEST_QUICK_RUN_WAIT_SECONDS", 30, min_value=0, max_value=60
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated calls a 401, not a 403.
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a depth limit and no out-of-range numbers: such bodies are a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "algoagent.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "algoagent.pagination.DefaultPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        # First: a list request's parameter that nothing reads is a 400, never ignored.
        "algoagent.filters.StrictQueryParamsFilter",
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "algoagent.errors.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "algoagent.metadata.SafeMetadata",
    # Client address for throttles: REMOTE_ADDR, unless NUM_PROXIES trusted proxies append to
    # X-Forwarded-For (then the address that many hops from the right). Never the raw header.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, min_value=0, max_value=10),
    "DEFAULT_THROTTLE_RATES": {
        "register": env_str("THROTTLE_REGISTER_RATE", "20/hour"),
        "login": env_str("THROTTLE_LOGIN_RATE", "60/hour"),
        # Per user: market-data downloads and CSV uploads.
        "data": env_str("THROTTLE_DATA_RATE", "60/hour"),
        # Per user: actions that call the LLM (generate, fix, chat) and sandbox executions.
        "llm": env_str("THROTTLE_LLM_RATE", "30/hour"),
        # The offline generator costs no LLM quota: its own, generous rate (refusals not counted).
        "generate": env_str("THROTTLE_GENERATE_RATE", "600/hour"),
        "execute": env_str("THROTTLE_EXECUTE_RATE", "120/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "AlgoAgent API",
    "DESCRIPTION": (
        "Turn a plain-English trading idea into a working, tested backtesting.py strategy. "
        "Authenticate with `Authorization: Token <key>` (POST /api/auth/login/). Every error has "
        'the shape `{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": __version__,
    "LICENSE": {"name": "AGPL-3.0-or-later"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "algoagent.openapi.add_error_responses",
        "algoagent.openapi.sse_event_schemas",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StrategyStatusEnum": "strategy_api.models.StrategyStatus",
        "ReviewStatusEnum": "strategy_api.models.ReviewStatus",
        "VersionSourceEnum": "strategy_api.models.VersionSource",
        "LlmProviderChoiceEnum": ["auto", "offline", "gemini"],
        "LlmProviderEnum": ["offline", "gemini"],
        "RunOutcomeStatusEnum": ["success", "no_trades", "failed"],
        "GenerateStatusEnum": ["success", "fixed", "needs_fixing", "failed", "no_trades"],
        "SearchMethodEnum": ["grid", "sambo"],
        "MonteCarloMethodEnum": ["trade_shuffle", "bootstrap"],
        "PlotStatusEnum": ["pending", "ready", "failed", "too_large", "none"],
    },
}

# --- Security headers for non-debug deployments --------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}
