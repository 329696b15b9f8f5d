"""Staff accounts: organizers, door staff and reviewers."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
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


def session_marker_of(password_hash: str) -> str:
    """What the session cookie holds of the password: it changes with the password."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


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

    events: Mapped[list[Event]] = relationship(secondary=event_staff, back_populates="staff")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def session_marker(self) -> str:
        """Changes with the password, so a new password ends every other session."""
        return session_marker_of(self.password_hash)

    def get_id(self) -> str:
        """What the session cookie stores: ``<id>:<session_marker>``."""
        return f"{self.id}:{self.session_marker}"

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
