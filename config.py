"""Configuration read from environment variables (and a `.env` file, if present).

Every setting has a safe default for development; production (``APP_ENV=production``)
refuses to start without an explicit ``SECRET_KEY``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

load_dotenv(BASE_DIR / ".env")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _development_secret_key() -> str:
    """Generate a secret key once and keep it in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        # Created readable by the owner only, never briefly world-readable.
        with contextlib.suppress(FileExistsError):  # another process was first
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class ConfigurationError(RuntimeError):
    """Raised when production settings are unsafe or incomplete."""


def load_config() -> dict:
    """Build the Flask configuration mapping from the environment."""
    env = os.environ.get("APP_ENV", "development")
    production = env == "production"
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigurationError("SECRET_KEY must be set when APP_ENV=production")
        secret_key = _development_secret_key()

    jobs_in_process = os.environ.get("JOBS_IN_PROCESS", "thread")
    if jobs_in_process not in {"thread", "eager"}:
        raise ConfigurationError("JOBS_IN_PROCESS must be 'thread' or 'eager'")

    return {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'conference.sqlite'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": _bool("DATABASE_PRE_PING", True)},
        #: Seconds a client is asked to wait (Retry-After) when the database is unreachable.
        "DATABASE_RETRY_AFTER": _int("DATABASE_RETRY_AFTER", 5),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Europe/Warsaw"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Europe/Warsaw"),
        "LANGUAGES": ["en", "pl"],
        #: Catalogues: conference/translations/<lang>/LC_MESSAGES/messages.po (`make messages`).
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "conference" / "translations"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "LifeScience Open Space <noreply@localhost>"
        ),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        #: Tries before an outbox message is marked failed for good.
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        #: Back-off between tries: the first wait, doubling up to the longest wait (seconds).
        "MAIL_RETRY_FIRST_SECONDS": _int("MAIL_RETRY_FIRST_SECONDS", 30),
        "MAIL_RETRY_MAX_SECONDS": _int("MAIL_RETRY_MAX_SECONDS", 3600),
        #: Announcements (bulk mail) per minute by default; the organizer may ask for less.
        "MAIL_BULK_PER_MINUTE": _int("MAIL_BULK_PER_MINUTE", 600),
        #: A scheduled email whose moment passed longer ago than this (the workers were
        #: down) is not sent late any more (hours).
        "MAIL_SCHEDULE_GRACE_HOURS": _int("MAIL_SCHEDULE_GRACE_HOURS", 24),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "20 per minute"),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads")),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        #: A login ends after this long without a request (door staff: a long lunch break
        #: keeps it; a phone left behind stops working by the afternoon).
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 240),
        #: ... and at the latest this long after logging in (an event day; log in each day).
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 16),
        #: How long the set-password link of a staff invitation works.
        "STAFF_INVITATION_HOURS": _int("STAFF_INVITATION_HOURS", 72),
        #: werkzeug hash method for staff passwords (tests use a cheaper one).
        "PASSWORD_HASH_METHOD": "scrypt",
        #: Seconds a scanner ignores the badge it has just scanned (still in front of the
        #: camera) and keeps the first verdict on screen.
        "CHECKIN_QUIET_SECONDS": _int("CHECKIN_QUIET_SECONDS", 10),
        #: Trust X-Forwarded-* from this many proxies (gunicorn behind nginx: 1).
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 1 if production else 0),
        #: The job queue's broker (e.g. redis://127.0.0.1:6379/0); empty: jobs run in the
        #: web process (JOBS_IN_PROCESS), no Redis needed.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", ""),
        #: Prefix of every broker key, so several installations can share one Redis.
        "CELERY_KEY_PREFIX": os.environ.get("CELERY_KEY_PREFIX", "lsos:"),
        #: Without a broker: "thread" (a background thread of the web process) or "eager"
        #: (inside the request that starts the job; tests).
        "JOBS_IN_PROCESS": jobs_in_process,
        #: Where job results (badge PDFs, exports) are written; shared by web and workers.
        "JOB_RESULT_FOLDER": os.environ.get("JOB_RESULT_FOLDER",
                                            str(INSTANCE_DIR / "job-results")),
        #: Job results (badge PDFs hold names) are deleted this many days after the job.
        "JOB_RESULT_DAYS": _int("JOB_RESULT_DAYS", 7),
        #: A running job without a sign of life for this many seconds may be retried.
        "JOB_STALE_AFTER": _int("JOB_STALE_AFTER", 300),
        #: The partnering scheduler's time limit (seconds) and CP-SAT worker threads.
        "PARTNERING_SOLVER_SECONDS": _int("PARTNERING_SOLVER_SECONDS", 20),
        "PARTNERING_SOLVER_WORKERS": _int("PARTNERING_SOLVER_WORKERS", 2),
        #: Seconds between the beat's outbox deliveries (waiting-list expiry: every minute).
        "MAIL_DELIVERY_INTERVAL": _int("MAIL_DELIVERY_INTERVAL", 10),
    }
