"""Announcements: bulk messages, scheduled email rules, and unsubscribed addresses.

Transactional mail (confirmations, changes, payments) is not here: it goes through the
outbox alone and never asks whether an address unsubscribed. Announcements do.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow


class BulkMessage(db.Model):
    """One message an organizer wrote to a group: kept with who sent it and to whom (the
    outbox rows linked by ``OutboxMessage.bulk_message_id``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    subject: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: Markdown, with merge fields (``conference.services.messaging.merge``).
    body: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: The recipient selection (``recipients.Audience.as_params``).
    audience: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The delivery rate asked for: the outbox rows are spread over time by it.
    per_minute: Mapped[int] = mapped_column(default=600)
    #: How many recipients the selection had when the organizer sent it.
    recipient_count: Mapped[int] = mapped_column(default=0)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event = relationship("Event")
    sent_by = relationship("User")
    job = relationship("Job")


class ScheduleAnchor(enum.Enum):
    EVENT_START = "event_start"
    #: Each session the recipient booked a seat in.
    SESSION_START = "session_start"
    EVENT_END = "event_end"


class ScheduleRule(db.Model):
    """"N minutes before/after a moment, send this text to this group", per event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    anchor: Mapped[ScheduleAnchor] = mapped_column(enum_column(ScheduleAnchor))
    #: Minutes after the anchor (negative: before it).
    offset_minutes: Mapped[int] = mapped_column(default=0)
    audience: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    subject: Mapped[LocalizedText] = mapped_column(TranslatedText)
    body: Mapped[LocalizedText] = mapped_column(TranslatedText)
    active: Mapped[bool] = mapped_column(default=True)
    #: Raised by each edit; a mark records the version that fired (edits never refire).
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event = relationship("Event")


class ScheduleMark(db.Model):
    """A rule fired for one address (and one session): the unique key makes two workers,
    or a worker after a restart, send it exactly once."""

    __table_args__ = (
        sa.UniqueConstraint("rule_id", "email", "session_key", name="uq_schedule_mark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("schedule_rule.id", ondelete="CASCADE"))
    #: The address, lower-cased.
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The session for per-session rules, else 0 (a NULL would not be unique).
    session_key: Mapped[int] = mapped_column(default=0)
    rule_version: Mapped[int] = mapped_column(default=1)
    message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL"))
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Unsubscribe(db.Model):
    """An address that wants no more announcements from an event."""

    __table_args__ = (sa.UniqueConstraint("event_id", "email", name="uq_unsubscribe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    #: The address, lower-cased.
    email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
