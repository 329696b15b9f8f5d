"""Check-in at the door: checkpoints, accepted entries, the scan log and offline conflicts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.events import CheckinRule, Event
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.accounts import User
    from conference.models.agenda import Session
    from conference.models.registrations import Registration

#: ``CheckIn.scope`` of every entrance checkpoint: entering by Gate 1 or Gate 2 is one entry.
ENTRANCE_SCOPE = "entrance"
#: ``CheckIn.day_key`` under the ONCE rule (one entry for the whole event).
WHOLE_EVENT_DAY_KEY = "all"


def scope_of(session_id: int | None) -> str:
    """Entries count per scope: all entrances share one, each workshop has its own."""
    return ENTRANCE_SCOPE if session_id is None else f"session:{session_id}"


class Checkpoint(db.Model):
    """A place where badges are scanned: an entrance (gate) or one workshop session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Shown on the scanner and in "Already checked in at 09:14 at Gate 2".
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: Set for a workshop checkpoint; None for an entrance.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    #: How often a badge may pass here (once, once a day, unlimited); None: the event's
    #: rule. All entrances share one rule (they count as one entry).
    checkin_rule: Mapped[CheckinRule | None] = mapped_column(enum_column(CheckinRule))

    event: Mapped[Event] = relationship()
    session: Mapped[Session | None] = relationship()

    @property
    def is_entrance(self) -> bool:
        return self.session_id is None

    @property
    def scope(self) -> str:
        return scope_of(self.session_id)

    @property
    def rule(self) -> CheckinRule:
        """The rule in force here: the checkpoint's own, else the event's."""
        return self.checkin_rule or self.event.checkin_rule

    def __repr__(self) -> str:
        return f"<Checkpoint {self.id} {self.name}>"


class CheckIn(db.Model):
    """An accepted entry. The unique constraint makes a second entry impossible.

    ``day_key`` encodes the event's rule: ``all`` under ONCE, the event-local date
    (``2026-05-12``) under DAILY, and NULL under UNLIMITED (NULLs never collide).
    """

    __table_args__ = (
        sa.UniqueConstraint("registration_id", "scope", "day_key",
                            name="uq_check_in_registration_scope_day"),
        sa.Index("ix_check_in_event_time", "event_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    checkpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkpoint.id", ondelete="CASCADE"), index=True
    )
    #: ``entrance`` or ``session:<id>`` (see ``Checkpoint.scope``).
    scope: Mapped[str] = mapped_column(sa.String(30))
    day_key: Mapped[str | None] = mapped_column(sa.String(10))
    #: When the badge was scanned (for offline scans: the device's clock).
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Accepted by an offline device and uploaded later.
    offline: Mapped[bool] = mapped_column(default=False)

    registration: Mapped[Registration] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()
    user: Mapped[User | None] = relationship()


class ScanLog(db.Model):
    """Every scan, accepted or refused: who scanned what, where, when, and the verdict."""

    __table_args__ = (sa.Index("ix_scan_log_event_time", "event_id", "scanned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkpoint.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    #: When the badge was scanned (device clock for offline scans).
    scanned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the server handled it.
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The scanned text, cut to 24 characters (garbage is logged, not stored whole).
    code: Mapped[str] = mapped_column(sa.String(24), default="")
    #: The verdict code (``welcome``, ``already_checked_in``, ``unknown_code``, ... ``undone``).
    verdict: Mapped[str] = mapped_column(sa.String(30))
    #: The client's random id of this scan; a retry with the same nonce replays the verdict.
    nonce: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: ``camera``, ``keyboard``, ``search``, ``offline``, ``api`` or ``manage``.
    source: Mapped[str] = mapped_column(sa.String(10), default="api")
    offline: Mapped[bool] = mapped_column(default=False)
    #: The verdict as JSON (name, ticket type, earlier entry), replayed for retries.
    details: Mapped[str] = mapped_column(sa.Text, default="{}")

    checkpoint: Mapped[Checkpoint | None] = relationship()
    user: Mapped[User | None] = relationship()


class CheckInConflict(db.Model):
    """An offline scan the server could not simply accept, shown to the organizers.

    E.g. the offline gate let a badge in that another gate had already admitted (the first
    scan wins and keeps the entry), or a registration cancelled after the bundle was taken.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE")
    )
    #: The scan that lost (or was refused).
    scan_log_id: Mapped[int] = mapped_column(sa.ForeignKey("scan_log.id", ondelete="CASCADE"))
    #: What the offline device showed, e.g. ``welcome``.
    local_verdict: Mapped[str] = mapped_column(sa.String(30))
    #: What the server decided, e.g. ``already_checked_in``.
    server_verdict: Mapped[str] = mapped_column(sa.String(30))
    #: The entry that won (first scan), if any.
    winner_checkin_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("check_in.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration | None] = relationship()
    scan: Mapped[ScanLog] = relationship()
    winner: Mapped[CheckIn | None] = relationship()
