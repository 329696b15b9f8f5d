"""The outbox: emails written in the same transaction as the change that causes them."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.extensions import db
from conference.models.types import UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.Enum):
    #: Waiting for an organizer to release it (e.g. proposal decisions).
    HELD = "held"
    PENDING = "pending"
    SENT = "sent"
    #: Gave up after ``MAIL_MAX_ATTEMPTS`` tries, or at once when the address can never be
    #: delivered (``last_error`` says why).
    FAILED = "failed"
    #: Recorded but deliberately never sent (e.g. the demo data's mail); workers skip it.
    SKIPPED = "skipped"


class OutboxMessage(db.Model):
    """One email, rendered when queued, delivered by the mail worker."""

    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    #: What caused it, e.g. ``registration.confirmed``; used in lists and tests.
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Why the last try failed; empty while a worker is sending it and after success.
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The bulk message this row delivers to one recipient, if any.
    bulk_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bulk_message.id", ondelete="SET NULL"), index=True)
    #: An announcement's one-click unsubscribe URL (RFC 8058); empty for transactional
    #: mail, which never checks unsubscribes.
    list_unsubscribe: Mapped[str] = mapped_column(sa.String(500), default="",
                                                  server_default="")
