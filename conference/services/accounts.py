"""Staff accounts: creation, passwords and login checks."""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from conference.extensions import db
from conference.models import Event, Role, User
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.names import InvalidName, clean_person_name
from conference.services.sessions import end_all_sessions

MIN_PASSWORD_LENGTH = 10


@functools.cache
def _dummy_hash(method: str) -> str:
    """A real hash (made like the users' hashes) to check when the address is unknown, so a
    wrong address and a wrong password take the same time."""
    return generate_password_hash(secrets.token_hex(16), method=method)


class AccountError(DomainError):
    code = "account_invalid"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


def normalise_email(email: str) -> str:
    """Validate an address and return it lower-cased; raises AccountError."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(_l("That is not a valid email address.")), field="email") from error


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)), field="password"
        )


def create_account(
    *,
    email: str,
    password: str,
    role: Role,
    name: str = "",
    is_superuser: bool = False,
    events: list[Event] | None = None,
) -> User:
    """Create a staff account; the caller commits."""
    email = normalise_email(email)
    check_password_strength(password)
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise AccountError(str(_l("An account with this email already exists.")), field="email")
    try:
        name = clean_person_name(name, required=False)
    except InvalidName as error:
        raise AccountError(str(_l("Please enter a name using letters (hyphens, apostrophes "
                                  "and spaces are fine).")), field="name") from error
    user = User(email=email, name=name, role=role, is_superuser=is_superuser)
    user.set_password(password)
    user.events = list(events or [])
    db.session.add(user)
    return user


def set_account_password(user: User, password: str, *, now: dt.datetime | None = None) -> None:
    """Set a new password; every login of the account ends (a stolen cookie with it).
    The caller commits, and logs the current browser in again if it should stay in."""
    check_password_strength(password)
    user.set_password(password)
    end_all_sessions(user, now=now)


def set_account_active(user: User, active: bool, *, now: dt.datetime | None = None) -> None:
    """Deactivate (every login ends) or reactivate an account. The caller commits."""
    user.active = active
    if not active:
        end_all_sessions(user, now=now)


def authenticate(email: str, password: str) -> User:
    """The active account with this email and password; InvalidCredentials otherwise.

    The error never says which part was wrong.
    """
    user = db.session.execute(
        db.select(User).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        raise InvalidCredentials()
    if not user.check_password(password) or not user.active:
        raise InvalidCredentials()
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str, *,
                    now: dt.datetime | None = None) -> None:
    """Change a password after checking the current one; every login of the account ends."""
    if not user.check_password(current):
        raise InvalidCredentials()
    set_account_password(user, new, now=now)
