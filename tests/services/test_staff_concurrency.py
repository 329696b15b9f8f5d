"""A set-password link used twice at the same moment sets one password (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import Role, User
from conference.services.staff import (
    PasswordLinkInvalid,
    issue_password_link,
    set_password_by_link,
)


def _someone_waits_for_a_lock(timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
        if waiting:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres_only
def test_a_link_used_twice_at_once_sets_only_the_first_password(app, make_user):
    user = make_user(Role.DOOR)
    secret = issue_password_link(user)
    db.session.commit()
    first_ran, release = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def use(name: str, password: str, hold: bool) -> None:
        with app.app_context():
            try:
                set_password_by_link(secret, password)
                if hold:  # keep the first transaction open while the second one starts
                    first_ran.set()
                    release.wait(20)
                db.session.commit()
                outcomes[name] = "set"
            except PasswordLinkInvalid:
                db.session.rollback()
                outcomes[name] = "refused"
            finally:
                db.session.remove()

    first = threading.Thread(target=use, args=("first", "first-password-2026", True))
    second = threading.Thread(target=use, args=("second", "second-password-2026", False))
    first.start()
    assert first_ran.wait(20)
    second.start()
    # The second request has read the link as unused and now waits for the first.
    assert _someone_waits_for_a_lock()
    release.set()
    first.join(30)
    second.join(30)
    assert outcomes == {"first": "set", "second": "refused"}
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("first-password-2026")
