"""Configuration: classes that read `HELPDESK_*` environment variables once, with defaults
that run on one machine with nothing installed (SQLite in `instance/`, memory rate limits)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

ENVIRONMENTS = ("production", "development", "testing")
# Where scheduled jobs run: in the web process (`make run`), in `flask helpdesk scheduler`
# processes of their own (production), or nowhere (tests).
SCHEDULER_MODES = ("embedded", "external", "off")


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


# Sent on every PostgreSQL connection; helpdesk/db/postgresql.py says why these.
POSTGRESQL_OPTIONS = (
    "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    " -c plan_cache_mode=force_custom_plan"
)
_PG_SETTING = r"-c\s+[a-z_][a-z0-9_.]*=[A-Za-z0-9_.:-]+"


def _postgresql_options(environ: Mapping[str, str]) -> str:
    """HELPDESK_POSTGRESQL_OPTIONS (set but empty: none), checked to be `-c name=value`s."""
    raw = environ.get("HELPDESK_POSTGRESQL_OPTIONS")
    options = " ".join((POSTGRESQL_OPTIONS if raw is None else raw).split())
    if options and not re.fullmatch(rf"{_PG_SETTING}(\s+{_PG_SETTING})*", options):
        raise RuntimeError(
            f"HELPDESK_POSTGRESQL_OPTIONS must be settings written as -c name=value, got {raw!r}"
        )
    return options


def _str(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ.get(name, "").strip() or default


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = _str(environ, name, default)
    if value not in choices:
        raise RuntimeError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def normalise_database_url(url: str) -> str:
    """Let people write `postgresql://` or `postgres://` and still get the psycopg 3 driver;
    refuse databases the helpdesk does not support (search, sweeps and migrations are
    written for SQLite and PostgreSQL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise RuntimeError(
            "HELPDESK_DATABASE_URL must be a SQLite (sqlite:///...) or PostgreSQL "
            "(postgresql://...) URL"
        )
    return url


def _secret_key(environ: Mapping[str, str], instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into `instance/secret_key`.

    Several workers may start at once: each writes a candidate to its own temporary file and
    links it into place; the first link wins and everyone reads the winner's key.
    """
    if environ.get("SECRET_KEY"):
        return environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        candidate = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(candidate, path)  # atomic; fails if another process won
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it or set SECRET_KEY")
    return key


class Config:
    """Production defaults: secure cookies, no debug."""

    ENVIRONMENT = "production"
    DEBUG = False
    TESTING = False

    def __init__(self, instance_path: str | Path, environ: Mapping[str, str] | None = None):
        if environ is None:
            load_dotenv()
            environ = os.environ
        instance = Path(instance_path)
        default_db = f"sqlite:///{instance / 'helpdesk.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            _str(environ, "HELPDESK_DATABASE_URL", default_db)
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Settings on every PostgreSQL connection (helpdesk/db/postgresql.py says why).
        self.POSTGRESQL_OPTIONS = _postgresql_options(environ)
        self.SECRET_KEY = self.secret_key(environ, instance)
        self.BASE_URL = _str(environ, "HELPDESK_BASE_URL", "http://localhost:5000")
        # Unset: staff pages show links on the address they are served from (the widget
        # snippet); emails, webhooks and public pages always use BASE_URL, never a request's
        # Host header (a forged Host must not reach a reset link).
        self.BASE_URL_CONFIGURED = bool(environ.get("HELPDESK_BASE_URL", "").strip())
        # Outbound email: empty SMTP_URL keeps mail in the outbox (the dev mail viewer shows it).
        self.SMTP_URL = _str(environ, "HELPDESK_SMTP_URL", "")
        self.SMTP_TIMEOUT = _int(environ, "HELPDESK_SMTP_TIMEOUT", 20)
        self.MAIL_FROM = _str(environ, "HELPDESK_MAIL_FROM", "support@localhost")
        self.MAIL_FROM_NAME = _str(environ, "HELPDESK_MAIL_FROM_NAME", "Support")
        # Inbound email: the piping endpoint takes an admin's read-write API token; the IMAP
        # poll does nothing until a mailbox URL is set (imaps://user:pass@host/INBOX).
        self.IMAP_URL = _str(environ, "HELPDESK_IMAP_URL", "")
        self.IMAP_TIMEOUT = _int(environ, "HELPDESK_IMAP_TIMEOUT", 30)
        self.INBOUND_MAX_MESSAGE_BYTES = _int(
            environ, "HELPDESK_INBOUND_MAX_BYTES", 25 * 1024 * 1024
        )
        self.INBOUND_SENDER_LIMIT_PER_HOUR = _int(environ, "HELPDESK_INBOUND_SENDER_LIMIT", 20)
        self.ATTACHMENTS_DIR = _str(
            environ, "HELPDESK_ATTACHMENTS_DIR", str(instance / "attachments")
        )
        # Where attachments are stored: file:///path (default: ATTACHMENTS_DIR) or
        # s3://bucket/prefix?endpoint_url=...&region=... (helpdesk/attachments/storage.py).
        self.ATTACHMENTS_URL = _str(environ, "HELPDESK_ATTACHMENTS_URL", "")
        self.ATTACHMENTS_MAX_FILES = _int(environ, "HELPDESK_ATTACHMENTS_MAX_FILES", 10)
        self.ATTACHMENT_MAX_BYTES = _int(environ, "HELPDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
        self.ATTACHMENTS_MAX_BYTES = _int(
            environ, "HELPDESK_ATTACHMENTS_MAX_BYTES", 20 * 1024 * 1024
        )
        # A form carrying files may be this large (more than MAX_CONTENT_LENGTH), so a file
        # over its limit reaches validation and is refused by name instead of a bare 413.
        self.UPLOAD_MAX_BODY_BYTES = _int(
            environ,
            "HELPDESK_UPLOAD_MAX_BODY_BYTES",
            self.ATTACHMENTS_MAX_BYTES + self.ATTACHMENT_MAX_BYTES + 1024 * 1024,
        )
        self.RATELIMIT_STORAGE_URI = _str(environ, "HELPDESK_RATELIMIT_STORAGE_URL", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_LOGIN_PER_IP = _str(environ, "HELPDESK_LOGIN_LIMIT_IP", "5 per minute")
        # Failed logins per account from one client address; and per account from
        # anywhere, which a browser that logged in to the account before is exempt from
        # (helpdesk/auth/known_device.py), so guessing cannot lock the owner out.
        self.RATELIMIT_LOGIN_PER_ACCOUNT = _str(
            environ, "HELPDESK_LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes"
        )
        self.RATELIMIT_LOGIN_PER_ACCOUNT_ANY = _str(
            environ, "HELPDESK_LOGIN_LIMIT_ACCOUNT_ANY", "50 per hour"
        )
        # Password reset requests (every request counts: each may send an email), per
        # client IP and per address asked for.
        self.RATELIMIT_RESET_PER_IP = _str(environ, "HELPDESK_RESET_LIMIT_IP", "10 per hour")
        self.RATELIMIT_RESET_PER_ADDRESS = _str(
            environ, "HELPDESK_RESET_LIMIT_ADDRESS", "3 per hour"
        )
        self.RATELIMIT_PUBLIC = _str(environ, "HELPDESK_PUBLIC_RATE_LIMIT", "120 per minute")
        # REST API calls, per token.
        self.RATELIMIT_API = _str(environ, "HELPDESK_API_RATE_LIMIT", "300 per minute")
        # Starting conversations from the widget: per client IP, and per email address typed
        # (so the form cannot be used to flood one person's inbox with acknowledgements).
        self.RATELIMIT_WIDGET_CREATE = _str(environ, "HELPDESK_WIDGET_CREATE_LIMIT", "10 per hour")
        self.RATELIMIT_WIDGET_CREATE_PER_EMAIL = _str(
            environ, "HELPDESK_WIDGET_CREATE_LIMIT_EMAIL", "5 per hour"
        )
        self.RATELIMIT_WIDGET_WRITE = _str(environ, "HELPDESK_WIDGET_WRITE_LIMIT", "30 per minute")
        self.TRUSTED_PROXIES = _int(environ, "HELPDESK_TRUSTED_PROXIES", 0)
        # SQLite only: NORMAL (no fsync per commit, safe with WAL) or FULL.
        self.SQLITE_SYNCHRONOUS = _choice(
            environ, "HELPDESK_SQLITE_SYNCHRONOUS", ("NORMAL", "FULL"), "NORMAL"
        )
        # SQLite only: how long a write waits for its turn, and then for SQLite's lock,
        # before the request answers 503 with Retry-After (milliseconds, each).
        self.SQLITE_BUSY_TIMEOUT_MS = max(1, _int(environ, "HELPDESK_SQLITE_BUSY_TIMEOUT_MS", 5000))
        # How long slow-moving statistics (the founders' trends, the typical first-reply
        # time in acknowledgements) may be reused after the data changed (seconds).
        self.STATS_CACHE_SECONDS = _int(environ, "HELPDESK_STATS_CACHE_SECONDS", 300)
        # Where the founders' trends and team report are kept for every worker and host
        # (helpdesk/db/shared_results.py): a Redis URL, else the database.
        self.REDIS_URL = _str(environ, "HELPDESK_REDIS_URL", "") or None
        # How often an open staff page asks whether the bell changed (a 304 when not).
        self.BELL_POLL_SECONDS = max(1, _int(environ, "HELPDESK_BELL_POLL_SECONDS", 30))
        # bench/run only: the baseline routes /_bench/template and /_bench/row.
        self.BENCH_ROUTES = _str(environ, "HELPDESK_BENCH", "") == "1"
        self.MAX_CONTENT_LENGTH = _int(environ, "HELPDESK_MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
        self.MAX_JSON_BYTES = _int(environ, "HELPDESK_MAX_JSON_BYTES", 1024 * 1024)
        self.MAX_JSON_DEPTH = _int(environ, "HELPDESK_MAX_JSON_DEPTH", 32)
        self.PERMANENT_SESSION_LIFETIME = timedelta(
            hours=_int(environ, "HELPDESK_SESSION_HOURS", 12)
        )
        self.SESSION_COOKIE_NAME = "helpdesk_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENVIRONMENT != "development"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the bounded session
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = _str(environ, "HELPDESK_DEFAULT_TIMEZONE", "UTC")
        self.BABEL_TRANSLATION_DIRECTORIES = str(
            Path(__file__).parent / "helpdesk" / "translations"
        )
        self.LANGUAGES = ("en", "th", "id", "bn")
        self.SCHEDULER = _choice(
            environ,
            "HELPDESK_SCHEDULER",
            SCHEDULER_MODES,
            "embedded" if self.ENVIRONMENT == "development" else "external",
        )

    def secret_key(self, environ: Mapping[str, str], instance: Path) -> str:
        return _secret_key(environ, instance)


class DevelopmentConfig(Config):
    """`make run`: plain-HTTP cookies on localhost."""

    ENVIRONMENT = "development"
    DEBUG = False


class TestingConfig(Config):
    """pytest: the test client speaks plain HTTP; everything else stays as in production."""

    ENVIRONMENT = "testing"
    TESTING = True

    def __init__(self, instance_path: str | Path, environ: Mapping[str, str] | None = None):
        super().__init__(instance_path, environ)
        self.SESSION_COOKIE_SECURE = False
        self.SCHEDULER = "off"
        self.STATS_CACHE_SECONDS = 0  # reuse statistics only while the data is unchanged

    def secret_key(self, environ: Mapping[str, str], instance: Path) -> str:
        # A fixed key keeps test runs from writing into instance/.
        return "test-secret-key-not-for-production"  # noqa: S105


def config_for(environment: str) -> type[Config]:
    """The Config class named by HELPDESK_ENV (production when unset)."""
    classes = {"production": Config, "development": DevelopmentConfig, "testing": TestingConfig}
    if environment not in classes:
        raise RuntimeError(f"HELPDESK_ENV must be one of {', '.join(ENVIRONMENTS)}")
    return classes[environment]
