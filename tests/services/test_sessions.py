"""Login sessions as a service: liveness at a given instant, ending them, and the CLI
commands that must end them (new password, deactivation)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import LoginSession, Role
from conference.services.accounts import set_account_active, set_account_password
from conference.services.sessions import (
    SessionLimits,
    end_all_sessions,
    end_session,
    live_session,
    live_sessions_of,
    start_session,
)

T0 = dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)
LIMITS = SessionLimits(idle=dt.timedelta(hours=4), maximum=dt.timedelta(hours=16))


@pytest.fixture
def door(make_user):
    return make_user(Role.DOOR, email="door@example.org")


def _start(user, now=T0) -> str:
    cookie = start_session(user, user_agent="Phone", now=now)
    db.session.commit()
    return cookie


def _live(cookie, at) -> bool:
    return live_session(cookie, now=at, limits=LIMITS) is not None


def test_a_login_is_live_until_idle_for_the_idle_time(door):
    cookie = _start(door)
    assert _live(cookie, T0 + dt.timedelta(hours=3, minutes=59))
    # That request refreshed last-seen: the idle time counts from there.
    assert _live(cookie, T0 + dt.timedelta(hours=7, minutes=58))
    assert not _live(cookie, T0 + dt.timedelta(hours=12))


def test_a_login_in_constant_use_ends_at_the_absolute_maximum(door):
    cookie = _start(door)
    at = T0
    while at < T0 + dt.timedelta(hours=15):
        at += dt.timedelta(hours=1)
        assert _live(cookie, at)
    assert _live(cookie, T0 + dt.timedelta(hours=15, minutes=59))
    assert not _live(cookie, T0 + dt.timedelta(hours=16))


def test_last_seen_is_not_written_within_a_minute(door):
    cookie = _start(door)
    assert _live(cookie, T0 + dt.timedelta(seconds=59))
    db.session.expire_all()
    assert db.session.execute(db.select(LoginSession.last_seen_at)).scalar_one() == T0
    assert _live(cookie, T0 + dt.timedelta(seconds=61))
    db.session.expire_all()
    assert db.session.execute(db.select(LoginSession.last_seen_at)).scalar_one() == \
        T0 + dt.timedelta(seconds=61)


def test_end_session_ends_only_that_login(door):
    phone, laptop = _start(door), _start(door)
    end_session(phone, now=T0)
    db.session.commit()
    assert not _live(phone, T0) and _live(laptop, T0)
    assert [s.user_agent for s in live_sessions_of(door, now=T0, limits=LIMITS)] == ["Phone"]


def test_end_all_sessions_counts_the_live_logins_it_ended(door, make_user):
    cookies = [_start(door), _start(door)]
    other = _start(make_user(Role.DOOR))
    assert end_all_sessions(door, now=T0) == 2
    db.session.commit()
    assert not any(_live(c, T0) for c in cookies) and _live(other, T0)


def test_a_new_password_and_deactivation_end_every_login(door):
    cookie = _start(door)
    set_account_password(door, "another-password-1", now=T0)
    db.session.commit()
    assert not _live(cookie, T0)
    cookie = _start(door)
    set_account_active(door, False, now=T0)
    db.session.commit()
    assert not _live(cookie, T0)
    set_account_active(door, True, now=T0)
    db.session.commit()
    assert not _live(cookie, T0)


@pytest.mark.parametrize("value", [None, 42, "", ":", "1:", "x:abc", "1:" + "a" * 65,
                                   "99999999999:abc", "2147483648:abc", "1:\x00", "١:abc"])
def test_malformed_cookie_values_name_no_login(door, value):
    assert live_session(value, now=T0, limits=LIMITS) is None
    end_session(value, now=T0)  # nothing to end, no error


def test_cli_set_password_and_deactivate_end_the_accounts_logins(app, door):
    runner = app.test_cli_runner()
    cookie = _start(door, now=dt.datetime.now(dt.UTC))
    result = runner.invoke(args=["users", "set-password", "door@example.org", "--password",
                                 "another-password-1"])
    assert result.exit_code == 0, result.output
    assert live_session(cookie) is None
    cookie = _start(door, now=dt.datetime.now(dt.UTC))
    assert live_session(cookie) is not None
    result = runner.invoke(args=["users", "deactivate", "door@example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert live_session(cookie) is None


@pytest.mark.postgres_only
def test_refreshing_last_seen_never_waits_for_a_login_locked_elsewhere(app, door):
    """A request whose login row is locked (being ended by another transaction, or by
    its own request) skips the refresh instead of waiting, so it can never hang."""
    cookie = _start(door)
    done = threading.Event()

    def request_in_another_thread():
        with app.app_context():
            live_session(cookie, now=T0 + dt.timedelta(minutes=5), limits=LIMITS)
            db.session.remove()
        done.set()

    with db.engine.connect() as other:
        transaction = other.begin()
        other.execute(sa.text("SELECT id FROM login_session FOR UPDATE"))
        thread = threading.Thread(target=request_in_another_thread, daemon=True)
        thread.start()
        finished = done.wait(10)
        transaction.rollback()
    thread.join(10)
    assert finished
