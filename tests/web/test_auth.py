"""Staff login, logout, password change and the `next` redirect."""

from __future__ import annotations

import re

import pytest

from conference.extensions import db
from conference.models import Role
from tests.fixtures.core import PASSWORD


def _errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<ul class="errors"[^>]*>\s*<li>(.*?)</li>', html, re.S)


def _is_logged_in(client) -> bool:
    return client.get("/manage/").status_code == 200


def test_login_with_the_right_password_opens_the_back_office(client, make_user):
    user = make_user(Role.ORGANIZER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert _is_logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_login_accepts_the_email_in_another_case(client, make_user):
    make_user(Role.ORGANIZER, email="anna@example.org")
    response = client.post("/login", data={"email": " Anna@Example.ORG ", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(client, make_user):
    user = make_user(Role.ORGANIZER)
    wrong_password = client.post("/login", data={"email": user.email, "password": "nope-nope"})
    unknown_email = client.post("/login", data={"email": "nobody@example.org",
                                                "password": PASSWORD})
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert _errors(wrong_password) == _errors(unknown_email) == ["Wrong email or password."]
    assert not _is_logged_in(client)


def test_an_inactive_account_cannot_log_in_and_gets_the_same_message(client, make_user):
    user = make_user(Role.ORGANIZER, active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert _errors(response) == ["Wrong email or password."]
    assert not _is_logged_in(client)


def test_an_empty_login_form_shows_field_errors(client):
    response = client.post("/login", data={})
    assert response.status_code == 200
    assert len(_errors(response)) == 2


def test_logout_by_post_ends_the_session(client, make_user, login):
    login(client, make_user(Role.ORGANIZER))
    response = client.post("/logout")
    assert response.status_code == 302
    assert not _is_logged_in(client)


def test_logout_by_get_is_refused_and_keeps_the_session(client, make_user, login):
    login(client, make_user(Role.ORGANIZER))
    assert client.get("/logout").status_code == 405
    assert _is_logged_in(client)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/manage/some-event/", "/manage/some-event/"),
        ("/e/lsos/?tab=1", "/e/lsos/?tab=1"),
        ("https://evil.example/", "/manage/"),
        ("//evil.example/", "/manage/"),
        ("/\\evil.example/", "/manage/"),
        ("/\t/evil.example/", "/manage/"),
        ("javascript:alert(1)", "/manage/"),
        ("", "/manage/"),
    ],
)
def test_login_follows_next_only_to_local_paths(client, make_user, target, expected):
    user = make_user(Role.ORGANIZER)
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_an_anonymous_visitor_is_sent_to_login_and_back(client, make_user):
    response = client.get("/manage/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    user = make_user(Role.ORGANIZER, superuser=True)
    response = client.post(response.headers["Location"],
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/manage/users"


def _change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    })


@pytest.fixture
def staff(client, make_user, login):
    user = make_user(Role.DOOR)
    login(client, user)
    return user


def test_change_password_refuses_a_wrong_current_password(client, staff):
    response = _change(client, "not-my-password", "a-brand-new-password")
    assert response.status_code == 200
    assert _errors(response) == ["This is not your current password."]
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD)


def test_change_password_refuses_a_short_password(client, staff):
    response = _change(client, PASSWORD, "short")
    assert response.status_code == 200
    assert _errors(response)
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD)


def test_change_password_refuses_a_mismatched_repetition(client, staff):
    response = _change(client, PASSWORD, "a-brand-new-password", "another-new-password")
    assert response.status_code == 200
    assert _errors(response) == ["The passwords differ."]
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD)


def test_change_password_sets_the_new_password(client, staff):
    response = _change(client, PASSWORD, "a-brand-new-password")
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.check_password("a-brand-new-password")
    assert not staff.check_password(PASSWORD)


def test_a_new_password_ends_other_sessions_but_not_this_one(app, client, staff, login):
    other_device = app.test_client()
    login(other_device, staff)
    assert _is_logged_in(other_device)
    assert _change(client, PASSWORD, "a-brand-new-password").status_code == 302
    assert _is_logged_in(client)
    assert not _is_logged_in(other_device)


def test_a_deactivated_account_loses_its_open_session(client, staff):
    assert _is_logged_in(client)
    staff.active = False
    db.session.commit()
    assert not _is_logged_in(client)


def test_a_session_from_before_a_password_reset_by_cli_is_ended(app, client, staff):
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", staff.email, "--password", "reset-by-admin-1"])
    assert result.exit_code == 0, result.output
    assert not _is_logged_in(client)
