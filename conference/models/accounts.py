"""Staff accounts (organizers, door staff and reviewers), their login sessions and their
set-password links."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from conference.extensions import db
from conference.models.events import event_staff
from conference.models.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.events import Event


class Role(enum.Enum):
    #: Manages the events they are assigned to (all events with ``is_superuser``).
    ORGANIZER = "organizer"
    #: Checks people in at the events they are assigned to; nothing else.
    DOOR = "door"
    #: Reviews proposals of the events they are assigned to; nothing else.
    REVIEWER = "reviewer"


def may_check_in(role: Role, is_superuser: bool, assigned: bool) -> bool:
    """Superusers, and door staff and organizers assigned to the event, check people in."""
    return is_superuser or (assigned and role in (Role.DOOR, Role.ORGANIZER))


class User(UserMixin, db.Model):
    """A staff member who logs in. Attendees and speakers never have accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; unique.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_superuser: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The interface language the person last used (set at login and invitation): their
    #: emails are written in it.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")

    events: Mapped[list[Event]] = relationship(secondary=event_staff, back_populates="staff")

    #: The signed cookie's value of the login this object was loaded for (set by the login
    #: and the user loader, never stored): ``<id>:<session secret>``.
    login_cookie = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What Flask-Login puts in the session cookie: the login session's cookie value
        (an account loaded without a login gets an id no login session matches)."""
        return self.login_cookie or f"{self.id}:"

    def __eq__(self, other: object) -> bool:
        # The same account, whichever login it was loaded for (UserMixin compares get_id).
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = UserMixin.__hash__

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_event(self, event: Event) -> bool:
        """Assigned to ``event`` (superusers are assigned to every event)."""
        if self.is_superuser:
            return True
        if "events" in self.__dict__:  # already loaded: no query
            return any(e.id == event.id for e in self.events)
        # One indexed lookup instead of loading every event of the account (this runs on
        # every check-in scan).
        return db.session.execute(
            sa.select(event_staff.c.event_id).where(
                event_staff.c.user_id == self.id, event_staff.c.event_id == event.id
            )
        ).first() is not None

    def can_manage(self, event: Event) -> bool:
        """Organizer of this event (or superuser)."""
        if self.is_superuser:
            return True
        return self.role is Role.ORGANIZER and self.has_event(event)

    def can_check_in(self, event: Event) -> bool:
        """Door staff or organizer of this event."""
        return may_check_in(self.role, self.is_superuser, self.has_event(event))

    def can_review(self, event: Event) -> bool:
        """Reviewer or organizer of this event."""
        return self.can_manage(event) or (self.role is Role.REVIEWER and self.has_event(event))

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class LoginSession(db.Model):
    """One login of an account in one browser. The signed session cookie names it by a
    random secret; logging out, "log out everywhere", a new password or deactivation end
    it, and it expires when idle too long or too old (``services.sessions``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"),
                                         index=True)
    #: SHA-256 (hex) of the cookie's secret; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Refreshed at most once a minute by the requests of this login (idle expiry).
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the login ends; an ended login never comes back.
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[User] = relationship()


class PasswordLink(db.Model):
    """A single-use, expiring link that lets a (new) account set its password: the
    invitation of a staff member."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"),
                                         index=True)
    #: SHA-256 (hex) of the secret in the link; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Set when the password is set through the link (or a newer link replaces it).
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
