"""Retention of personal data per event (how long it is kept after the event ends)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.events import Event
from conference.models.types import UTCDateTime, utcnow

#: Defaults: everything personal goes a year after the event, sensitive answers after 30 days.
DEFAULT_RETENTION_MONTHS = 12
DEFAULT_SENSITIVE_DAYS = 30


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
    #: The daily job anonymises when due; off: only the organizer's "run now" does.
    automatic: Mapped[bool] = mapped_column(default=True)
    #: When the last run (automatic or not) finished, and how many people it anonymised.
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_run_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
