"""Login sessions kept on the server, so that a session really ends.

The signed session cookie holds ``<account id>:<secret>``; the server keeps the SHA-256
of the secret in a ``LoginSession`` row. A cookie opens pages only while its row is live:
not ended (logout, "log out everywhere", new password, deactivation), not idle longer
than ``SESSION_IDLE_MINUTES`` and not older than ``SESSION_MAX_HOURS``. A copy of the
cookie taken before the end is useless afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager

from conference.extensions import db
from conference.models import LoginSession, User
from conference.models.types import utcnow
from conference.urls import MAX_DATABASE_ID

log = logging.getLogger(__name__)

#: Bytes of randomness in a session secret (256 bits).
SECRET_BYTES = 32
#: Longest secret looked up (``token_urlsafe(32)`` gives 43 characters).
SECRET_MAX_LENGTH = 64
#: ``last_seen_at`` is written at most this often per login, not on every request.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """How long a login lasts without a request (idle) and at most (absolute)."""

    idle: dt.timedelta
    maximum: dt.timedelta

    @classmethod
    def from_config(cls) -> SessionLimits:
        config = current_app.config
        return cls(idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                   maximum=dt.timedelta(hours=config["SESSION_MAX_HOURS"]))


def hash_secret(secret: str) -> str:
    """What is stored of a secret: its SHA-256 in hex. Secrets are random and long, so
    a plain hash is enough (nothing to guess), and the lookup stays an index search."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def parse_cookie_value(value: object) -> tuple[int, str] | None:
    """(account id, secret) from the cookie's ``<id>:<secret>``, or None if malformed."""
    if not isinstance(value, str):
        return None
    user_id, _, secret = value.partition(":")
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 10 or not secret \
            or len(secret) > SECRET_MAX_LENGTH or int(user_id) > MAX_DATABASE_ID:
        return None
    return int(user_id), secret


def secret_hash_of(cookie_value: object) -> str | None:
    """The stored hash of the login a cookie value names (to mark "this browser")."""
    parsed = parse_cookie_value(cookie_value)
    return hash_secret(parsed[1]) if parsed else None


def start_session(user: User, *, user_agent: str = "", now: dt.datetime | None = None) -> str:
    """Add a login session of ``user``; returns the cookie value. The caller commits."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    db.session.add(LoginSession(user=user, secret_hash=hash_secret(secret), created_at=now,
                                last_seen_at=now, user_agent=(user_agent or "")[:300]))
    return f"{user.id}:{secret}"


def is_live(created_at: dt.datetime, last_seen_at: dt.datetime, ended_at: dt.datetime | None,
            *, now: dt.datetime, limits: SessionLimits) -> bool:
    """A login that was not ended, was seen within the idle time and is not too old."""
    return (ended_at is None and now - last_seen_at < limits.idle
            and now - created_at < limits.maximum)


def live_session(cookie_value: object, *, now: dt.datetime | None = None,
                 limits: SessionLimits | None = None) -> LoginSession | None:
    """The live login session (with its active account) named by a cookie value, or None.

    Refreshes its ``last_seen_at`` when due (see ``touch``)."""
    parsed = parse_cookie_value(cookie_value)
    if parsed is None:
        return None
    user_id, secret = parsed
    now = now or utcnow()
    login = db.session.execute(
        db.select(LoginSession).join(LoginSession.user)
        .options(contains_eager(LoginSession.user))  # the account in the same query
        .where(LoginSession.secret_hash == hash_secret(secret),
               LoginSession.user_id == user_id, User.active.is_(True))
    ).scalar_one_or_none()
    if login is None or not is_live(login.created_at, login.last_seen_at, login.ended_at,
                                    now=now, limits=limits or SessionLimits.from_config()):
        return None
    touch(login.id, login.last_seen_at, now=now)
    return login


def touch(session_id: int, last_seen_at: dt.datetime, *, now: dt.datetime) -> None:
    """Record that the login was used, at most once per ``TOUCH_INTERVAL``.

    Written through its own short transaction: most requests (pages that only read, the
    scan API in autocommit) never commit the request's session, and a failed request
    still counts as activity. Best effort: a row locked by another transaction (its login
    being ended right now) is skipped on PostgreSQL instead of waited for, and a busy
    SQLite file skips the write."""
    if now - last_seen_at < TOUCH_INTERVAL:
        return
    table = LoginSession.__table__
    unlocked = (
        sa.select(table.c.id)
        .where(table.c.id == session_id, table.c.last_seen_at < now)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(table).where(table.c.id.in_(unlocked)).values(last_seen_at=now))
    except sa.exc.OperationalError as error:
        if db.engine.dialect.name != "sqlite":
            raise
        log.warning("login %s: last-seen time not written (%s)", session_id, error)


def end_session(cookie_value: object, *, now: dt.datetime | None = None) -> None:
    """End the login named by a cookie value (logout). The caller commits."""
    parsed = parse_cookie_value(cookie_value)
    if parsed is None:
        return
    user_id, secret = parsed
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.secret_hash == hash_secret(secret),
               LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def end_all_sessions(user: User, *, now: dt.datetime | None = None) -> int:
    """End every login of ``user`` (log out everywhere, new password, deactivation);
    returns how many were live. The caller commits."""
    result = db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    return result.rowcount


def live_sessions_of(user: User, *, now: dt.datetime | None = None,
                     limits: SessionLimits | None = None) -> list[LoginSession]:
    """The logins of ``user`` that still open pages, newest first."""
    now = now or utcnow()
    limits = limits or SessionLimits.from_config()
    logins = db.session.execute(
        db.select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
               LoginSession.created_at > now - limits.maximum,
               LoginSession.last_seen_at > now - limits.idle)
        .order_by(LoginSession.last_seen_at.desc())
    ).scalars().all()
    return [s for s in logins if is_live(s.created_at, s.last_seen_at, s.ended_at, now=now,
                                         limits=limits)]
