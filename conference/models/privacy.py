"""Retention of personal data per event (how long it is kept after the event ends)."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.events import Event
from conference.models.registrations import Registration
from conference.models.types import UTCDateTime, enum_column, utcnow

#: Defaults: everything personal goes a year after the event, sensitive answers after 30 days.
DEFAULT_RETENTION_MONTHS = 12
DEFAULT_SENSITIVE_DAYS = 30
#: Days a confirmed erasure request waits for the organizer before it completes itself.
DEFAULT_ERASURE_DAYS = 14


class RetentionSettings(db.Model):
    """When an event's personal data is anonymised (one row per event, made on first use)."""

    __tablename__ = "retention_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    #: Months after the event's last day when names, emails, answers ... are anonymised.
    months_after_end: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_MONTHS)
    #: Days after the event's last day when answers to sensitive questions are removed.
    sensitive_days_after_end: Mapped[int] = mapped_column(default=DEFAULT_SENSITIVE_DAYS)
    #: Days after the attendee confirmed an erasure request when it completes itself,
    #: unless an organizer completes it earlier or holds it with a reason.
    erasure_days: Mapped[int] = mapped_column(default=DEFAULT_ERASURE_DAYS,
                                              server_default=str(DEFAULT_ERASURE_DAYS))
    #: The daily job anonymises when due; off: only the organizer's "run now" does.
    automatic: Mapped[bool] = mapped_column(default=True)
    #: When the last run (automatic or not) finished, and how many people it anonymised.
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_run_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()


class ErasureState(enum.Enum):
    #: Asked on the private page; waits for the click on the emailed link.
    UNCONFIRMED = "unconfirmed"
    #: Confirmed by email; completes itself at ``due_at`` unless held.
    PENDING = "pending"
    #: An organizer keeps the data for a stated reason (e.g. an issued invoice).
    HELD = "held"
    COMPLETED = "completed"


class ErasureRequest(db.Model):
    """An attendee's request to erase their data (GDPR art. 17), from the private page."""

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    state: Mapped[ErasureState] = mapped_column(enum_column(ErasureState),
                                                default=ErasureState.UNCONFIRMED)
    #: SHA-256 of the secret in the confirmation link (the link itself is only emailed).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The confirmation link works until then, once.
    link_expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When a pending request completes itself.
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Why an organizer holds it (shown to the attendee in the email).
    hold_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()
