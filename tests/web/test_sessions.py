"""Logins end on the server: a copy of the session cookie taken before logout, "log out
everywhere", deactivation, a new password or expiry opens nothing afterwards, neither the
back office nor the scan API."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import CheckIn, LoginSession, Role
from conference.models.types import utcnow
from conference.services.accounts import set_account_active
from tests.fixtures.core import PASSWORD


@pytest.fixture
def app_config(app_config):
    """Shorter than the defaults, so the expiry tests show the settings are obeyed."""
    return {**app_config, "SESSION_IDLE_MINUTES": 30, "SESSION_MAX_HOURS": 2}


@pytest.fixture
def gate(make_event, make_checkpoint):
    return make_checkpoint(make_event(slug="session-door"), "Gate 1")


@pytest.fixture
def door(make_user, gate):
    return make_user(Role.DOOR, events=[gate.event])


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A fresh browser holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def _opens_back_office(client) -> bool:
    response = client.get("/manage/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _scan(client, gate, code):
    return client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": code, "nonce": uuid.uuid4().hex, "checkpoint": gate.id})


def _logins(user) -> list[LoginSession]:
    db.session.expire_all()
    return db.session.execute(
        db.select(LoginSession).filter_by(user_id=user.id).order_by(LoginSession.id)
    ).scalars().all()


def _assert_cookie_dead(app, cookie, gate, registration):
    replay = _replay(app, cookie)
    assert not _opens_back_office(replay)
    response = _scan(replay, gate, registration.ticket_code)
    assert response.status_code == 401
    assert response.get_json()["reason"] == "login_required"
    assert db.session.execute(db.select(CheckIn)).first() is None


def test_a_cookie_copied_before_logout_opens_nothing_afterwards(app, login, door, gate,
                                                                make_registration):
    client = app.test_client()
    login(client, door)
    cookie = _cookie(client)
    assert _opens_back_office(_replay(app, cookie))
    assert client.post("/logout").status_code == 302
    _assert_cookie_dead(app, cookie, gate, make_registration(gate.event))
    assert _logins(door)[0].ended_at is not None


def test_logout_ends_only_that_login(app, login, door):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, door)
    login(laptop, door)
    phone.post("/logout")
    assert _opens_back_office(laptop)


def test_log_out_everywhere_ends_every_login_of_the_account(app, login, door, gate,
                                                            make_registration):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, door)
    login(laptop, door)
    phone_cookie, laptop_cookie = _cookie(phone), _cookie(laptop)
    response = laptop.post("/account/sessions/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    registration = make_registration(gate.event)
    _assert_cookie_dead(app, phone_cookie, gate, registration)
    _assert_cookie_dead(app, laptop_cookie, gate, registration)
    assert all(login.ended_at is not None for login in _logins(door))


def test_the_sessions_page_lists_the_logins_and_marks_this_browser(app, login, door):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, door)
    laptop.post("/login", data={"email": door.email, "password": PASSWORD},
                headers={"User-Agent": "Laptop-Browser/1.0"})
    html = phone.get("/account/sessions").get_data(as_text=True)
    assert "Laptop-Browser/1.0" in html
    assert html.count("(this browser)") == 1


def test_a_superuser_ends_another_accounts_logins(app, login, door, make_user, gate,
                                                   make_registration):
    phone = app.test_client()
    login(phone, door)
    cookie = _cookie(phone)
    admin = app.test_client()
    login(admin, make_user(Role.ORGANIZER, superuser=True))
    response = admin.post(f"/manage/users/{door.id}/sessions/end")
    assert response.status_code == 302
    _assert_cookie_dead(app, cookie, gate, make_registration(gate.event))
    assert _opens_back_office(admin)


def test_an_organizer_cannot_end_another_accounts_logins(app, login, door, make_user):
    phone = app.test_client()
    login(phone, door)
    organizer = app.test_client()
    login(organizer, make_user(Role.ORGANIZER))
    assert organizer.post(f"/manage/users/{door.id}/sessions/end").status_code == 403
    assert _opens_back_office(phone)


def test_deactivation_ends_every_login(app, login, door, gate, make_registration):
    client = app.test_client()
    login(client, door)
    cookie = _cookie(client)
    set_account_active(door, False)
    db.session.commit()
    assert all(login.ended_at is not None for login in _logins(door))
    # Reactivated, the old cookie stays dead: the login ended with the deactivation.
    set_account_active(door, True)
    db.session.commit()
    _assert_cookie_dead(app, cookie, gate, make_registration(gate.event))


def test_a_new_password_ends_every_earlier_cookie_and_keeps_this_browser_in(
        app, login, door, gate, make_registration):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, door)
    login(laptop, door)
    phone_cookie, old_laptop_cookie = _cookie(phone), _cookie(laptop)
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-password",
        "confirm_password": "a-brand-new-password"})
    assert response.status_code == 302
    registration = make_registration(gate.event)
    _assert_cookie_dead(app, phone_cookie, gate, registration)
    _assert_cookie_dead(app, old_laptop_cookie, gate, registration)
    assert _cookie(laptop) != old_laptop_cookie
    assert _opens_back_office(laptop)
    assert _scan(laptop, gate, registration.ticket_code).status_code == 200


def _age(user, **fields):
    db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id)
                       .values(**fields))
    db.session.commit()


def test_an_idle_login_expires(app, login, door, gate, make_registration):
    client = app.test_client()
    login(client, door)
    cookie = _cookie(client)
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    _age(door, last_seen_at=utcnow() - idle + dt.timedelta(minutes=1))
    assert _opens_back_office(_replay(app, cookie))  # used within the idle time: still in
    _age(door, last_seen_at=utcnow() - idle - dt.timedelta(seconds=1))
    _assert_cookie_dead(app, cookie, gate, make_registration(gate.event))


def test_a_login_in_use_expires_at_the_absolute_maximum(app, login, door, gate,
                                                        make_registration):
    client = app.test_client()
    login(client, door)
    cookie = _cookie(client)
    maximum = dt.timedelta(hours=app.config["SESSION_MAX_HOURS"])
    _age(door, created_at=utcnow() - maximum - dt.timedelta(seconds=1), last_seen_at=utcnow())
    _assert_cookie_dead(app, cookie, gate, make_registration(gate.event))


def test_expiry_follows_the_configuration(app, login, door):
    client = app.test_client()
    login(client, door)
    _age(door, last_seen_at=utcnow() - dt.timedelta(minutes=31))
    assert not _opens_back_office(client)


def test_last_seen_is_written_at_most_once_a_minute(app, login, door, gate,
                                                    make_registration):
    client = app.test_client()
    login(client, door)
    seen = utcnow() - dt.timedelta(seconds=30)
    _age(door, last_seen_at=seen)
    client.get("/manage/")
    assert _scan(client, gate, make_registration(gate.event).ticket_code).status_code == 200
    assert _logins(door)[0].last_seen_at == seen
    _age(door, last_seen_at=utcnow() - dt.timedelta(minutes=2))
    before = utcnow()
    client.get("/manage/")
    assert _logins(door)[0].last_seen_at >= before - dt.timedelta(seconds=1)
    _age(door, last_seen_at=utcnow() - dt.timedelta(minutes=2))
    before = utcnow()
    _scan(client, gate, make_registration(gate.event).ticket_code)
    assert _logins(door)[0].last_seen_at >= before - dt.timedelta(seconds=1)


def test_the_scan_api_reads_the_login_in_its_one_door_query(app, login, door, gate,
                                                            make_registration):
    client = app.test_client()
    login(client, door)
    code = make_registration(gate.event).ticket_code
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert _scan(client, gate, code).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    reading_accounts = [s for s in statements if "login_session" in s or 'FROM "user"' in s
                        or "FROM user" in s]
    assert len(reading_accounts) == 1, reading_accounts
    assert "login_session" in reading_accounts[0] and "checkpoint" in reading_accounts[0]


def test_the_secret_in_the_cookie_is_long_and_only_its_hash_is_stored(app, login, door):
    client = app.test_client()
    login(client, door)
    with client.session_transaction() as session:
        user_id, _, secret = session["_user_id"].partition(":")
    assert int(user_id) == door.id
    assert len(secret) >= 22  # >= 128 bits in URL-safe base64
    stored = _logins(door)[0]
    assert secret not in stored.secret_hash


def test_a_forged_or_malformed_session_value_opens_nothing(app, door):
    for value in (f"{door.id}:", f"{door.id}:forged-secret", "x:y", f"{door.id}", "1" * 40):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert not _opens_back_office(client), value
