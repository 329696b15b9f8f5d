"""Attendees' feedback: an event's feedback settings and the ratings (1-5) with comments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.events import Event
from conference.models.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.agenda import Session
    from conference.models.registrations import Registration

#: The longest comment kept (characters).
COMMENT_MAX_LENGTH = 2000
#: Ratings run from 1 (poor) to 5 (excellent).
RATINGS = (1, 2, 3, 4, 5)


class FeedbackOpening(enum.Enum):
    #: Everything can be rated once the event's last day is over.
    AFTER_EVENT = "after_event"
    #: Each session can be rated once it has ended; the event once its last session ended.
    AFTER_SESSION = "after_session"


class FeedbackSettings(db.Model):
    """Whether and when an event's attendees may rate it and its sessions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True
    )
    enabled: Mapped[bool] = mapped_column(default=False)
    opening: Mapped[FeedbackOpening] = mapped_column(
        enum_column(FeedbackOpening), default=FeedbackOpening.AFTER_EVENT
    )
    #: Ratings may be given and changed until this instant; speakers see their results
    #: from then on. Required while feedback is enabled.
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()


class Feedback(db.Model):
    """One attendee's rating of the event (``session_id`` None) or of one session.

    Each attendee rates each target once (and may change it until the closing date): the
    unique constraint covers sessions, the partial unique index the event rating (NULLs
    never collide in a plain unique constraint).
    """

    __table_args__ = (
        sa.UniqueConstraint("registration_id", "session_id",
                            name="uq_feedback_registration_session"),
        sa.Index("uq_feedback_registration_event", "registration_id", unique=True,
                 postgresql_where=sa.text("session_id IS NULL"),
                 sqlite_where=sa.text("session_id IS NULL")),
        sa.Index("ix_feedback_event_session", "event_id", "session_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_feedback_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE")
    )
    #: The rated session; None for the rating of the event as a whole.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Optional; never shown with the attendee's name.
    comment: Mapped[str] = mapped_column(sa.String(COMMENT_MAX_LENGTH), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
    session: Mapped[Session | None] = relationship()
