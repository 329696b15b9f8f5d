"""Staff accounts: creation rules and the login check."""

from __future__ import annotations

import pytest

from conference.models import Role
from conference.services.accounts import (
    AccountError,
    InvalidCredentials,
    authenticate,
    change_password,
    create_account,
)
from tests.fixtures.core import PASSWORD


def test_create_account_stores_a_lower_case_email_and_a_strong_hash(app):
    user = create_account(email=" Anna.Nowak@Example.ORG ", password="long-enough-password",
                          role=Role.REVIEWER)
    assert user.email == "anna.nowak@example.org"
    assert user.password_hash != "long-enough-password"
    assert user.check_password("long-enough-password")


def test_the_default_hash_is_scrypt(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = create_account(email="s@example.org", password="long-enough-password",
                          role=Role.DOOR)
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(("email", "password", "field"), [
    ("bad", "long-enough-password", "email"),
    ("ok@example.org", "short", "password"),
])
def test_create_account_refuses_bad_input_with_the_field(app, email, password, field):
    with pytest.raises(AccountError) as error:
        create_account(email=email, password=password, role=Role.DOOR)
    assert error.value.details["field"] == field
    assert error.value.code == "account_invalid"


def test_unknown_email_wrong_password_and_inactive_account_fail_alike(app, make_user):
    active = make_user(Role.ORGANIZER)
    inactive = make_user(Role.ORGANIZER, active=False)
    failures = []
    for email, password in [("nobody@example.org", PASSWORD), (active.email, "wrong-one"),
                            (inactive.email, PASSWORD)]:
        with pytest.raises(InvalidCredentials) as error:
            authenticate(email, password)
        failures.append((type(error.value), error.value.code, str(error.value)))
    assert len(set(failures)) == 1


def test_authenticate_returns_the_user_and_records_the_login(app, make_user):
    user = make_user(Role.DOOR)
    assert authenticate(user.email.upper(), PASSWORD) is user
    assert user.last_login_at is not None


def test_change_password_checks_the_current_one(app, make_user):
    user = make_user(Role.DOOR)
    with pytest.raises(InvalidCredentials):
        change_password(user, "not-it", "a-new-long-password")
    change_password(user, PASSWORD, "a-new-long-password")
    assert user.check_password("a-new-long-password")
