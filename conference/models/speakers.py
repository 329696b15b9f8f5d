"""Speakers of an event (from the call for proposals or invited)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.agenda import session_speakers
from conference.models.events import Event
from conference.models.registrations import new_token
from conference.models.types import UTCDateTime

if TYPE_CHECKING:
    from conference.models.agenda import Session


class Speaker(db.Model):
    """A person who speaks at an event, with their public profile."""

    __table_args__ = (sa.UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Stored lower-case; never shown publicly.
    email: Mapped[str] = mapped_column(sa.String(254))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    biography: Mapped[str] = mapped_column(sa.Text, default="")
    #: File name under the upload folder of the re-encoded photo.
    photo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: Newline-separated URLs.
    links: Mapped[str] = mapped_column(sa.Text, default="")
    #: Secret of the speaker's private link.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    is_public: Mapped[bool] = mapped_column(default=True)

    event: Mapped[Event] = relationship()
    sessions: Mapped[list[Session]] = relationship(
        secondary=session_speakers, back_populates="speakers"
    )
    unavailability: Mapped[list[SpeakerUnavailability]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan",
        order_by="SpeakerUnavailability.starts_at",
    )


class SpeakerUnavailability(db.Model):
    """A span of time in which a speaker cannot speak (used by the conflict checks)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speaker.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    speaker: Mapped[Speaker] = relationship(back_populates="unavailability")
