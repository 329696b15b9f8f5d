"""The programme: rooms, tracks, sessions, workshop seat bookings and starred sessions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.events import Event
from conference.models.registrations import new_token
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.registrations import Registration
    from conference.models.speakers import Speaker


class SessionType(enum.Enum):
    KEYNOTE = "keynote"
    TALK = "talk"
    PANEL = "panel"
    WORKSHOP = "workshop"
    POSTER = "poster"
    BREAK = "break"
    NETWORKING = "networking"


class SessionStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Room(db.Model):
    """A room of the venue."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    capacity: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()


class Track(db.Model):
    """A thematic track; its colour marks its sessions in the programme."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: CSS hex colour, e.g. ``#1b7f5c``.
    colour: Mapped[str] = mapped_column(sa.String(7), default="#1b7f5c")

    event: Mapped[Event] = relationship()


session_speakers = sa.Table(
    "session_speaker",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_id", sa.ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Session(db.Model):
    """A slot of the programme: talk, keynote, workshop, break ..."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: Markdown; rendered sanitised.
    abstract: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    session_type: Mapped[SessionType] = mapped_column(
        enum_column(SessionType), default=SessionType.TALK
    )
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"))
    #: None while unscheduled (e.g. an accepted proposal not yet placed).
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: Workshops: bookable seats; None means no booking needed.
    seat_capacity: Mapped[int | None]
    is_public: Mapped[bool] = mapped_column(default=True)
    #: A highlight of the programme on the public event page.
    is_highlight: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.SCHEDULED
    )
    #: iCalendar SEQUENCE: raised on every change of time, room or status, so calendar
    #: apps replace their copy of the entry.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=session_speakers, back_populates="sessions", order_by="Speaker.name"
    )

    @property
    def public_speakers(self) -> list[Speaker]:
        """The speakers public pages and exports may name (organizers can hide a speaker; a
        co-speaker who has not given a name yet is not shown)."""
        return [speaker for speaker in self.speakers if speaker.is_public and speaker.name]

    @property
    def anonymised_speaker_count(self) -> int:
        """Speakers whose personal data is gone: the programme says "Anonymised speaker"
        for them instead of a name."""
        return sum(1 for speaker in self.speakers if speaker.is_anonymised)

    @property
    def needs_booking(self) -> bool:
        return self.seat_capacity is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def is_scheduled(self) -> bool:
        """Placed in time (start and end set)."""
        return self.starts_at is not None and self.ends_at is not None

    @property
    def is_listed(self) -> bool:
        """Shown in the public programme and its exports (cancelled ones stay, marked)."""
        return self.is_public and self.is_scheduled

    def overlaps(self, other: Session) -> bool:
        """Both scheduled and their times intersect (touching ends do not overlap)."""
        if not (self.is_scheduled and other.is_scheduled):
            return False
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class SeatBooking(db.Model):
    """A confirmed attendee's seat in a workshop session."""

    __table_args__ = (sa.UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[Session] = relationship()
    registration: Mapped[Registration] = relationship()


class StarredSession(db.Model):
    """A session an attendee put on their personal agenda."""

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[Session] = relationship()
    registration: Mapped[Registration] = relationship()


class AgendaFeed(db.Model):
    """The secret of an attendee's personal iCal feed of starred sessions.

    Separate from ``Registration.token``: the feed URL is handed to calendar services,
    and leaking it must not open the attendee's private registration page.
    """

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    #: Secret in the feed URL (192 bits).
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
