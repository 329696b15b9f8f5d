"""Partnering (brokerage): opt-in profiles, meeting requests, time slots, tables, meetings.

One aggregate per concept:
- ``PartneringSettings``: one row per event (on/off, the sector and cooperation-type lists,
  limits, tables, whether the schedule is published).
- ``PartneringWindow``: a time window on an event day, cut into ``PartneringSlot`` rows of
  ``slot_minutes`` (breaks are gaps between slots).
- ``PartneringProfile``: an attendee who joined partnering, with ``PartneringNeed`` rows
  (what they offer and what they look for) and ``PartneringUnavailability`` (slots they
  cannot meet in).
- ``MeetingRequest``: a request from one profile to another; once accepted it is a
  meeting, placed by the scheduler into a slot at a table, and finally held or a no-show.
  ``MeetingRating`` holds each side's rating afterwards.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.events import Event
from conference.models.registrations import Registration
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

#: The longest free text kept in a profile description, a need or a request message.
DESCRIPTION_MAX_LENGTH = 2000
NEED_TEXT_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500


class PartneringSettings(db.Model):
    """Whether an event runs partnering, its lists and limits, and the schedule's state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True
    )
    #: Attendees may join, search and send requests only while this is on.
    enabled: Mapped[bool] = mapped_column(default=False)
    #: The sectors a profile picks from, one per line, per language (the lines of every
    #: language in the same order). A profile stores the line in the event's default
    #: language, as ``Registration.organisation_type`` does.
    sectors: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: Cooperation types for offers and requests (research partner, licensing,
    #: investment, supplier, ...), one per line, per language, stored like ``sectors``.
    cooperation_types: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: At most this many requests sent per person (withdrawn and declined ones count).
    max_requests_sent: Mapped[int] = mapped_column(default=15)
    #: At most this many accepted meetings per person.
    max_meetings: Mapped[int] = mapped_column(default=12)
    #: Length of one meeting slot in minutes.
    slot_minutes: Mapped[int] = mapped_column(default=20)
    #: Tables numbered 1..table_count.
    table_count: Mapped[int] = mapped_column(default=20)
    #: When the organizer last published the schedule; None while it is a draft. After
    #: publishing, a newly accepted meeting is placed at once in the earliest free slot.
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Raised by every change to placements (solver run, move, swap, lock, publish): an
    #: organizer's action based on an older version is refused instead of overwriting.
    schedule_version: Mapped[int] = mapped_column(default=0)
    #: The last solver run: when, and a JSON summary (placed, unplaced with reasons,
    #: upper bound, seconds, solver status).
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_run_summary: Mapped[str] = mapped_column(sa.Text, default="")

    event: Mapped[Event] = relationship()


class PartneringWindow(db.Model):
    """A partnering session: a time window on one event day, cut into slots."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Breaks as the organizer typed them, local times "HH:MM-HH:MM" separated by commas;
    #: no slot overlaps a break.
    breaks: Mapped[str] = mapped_column(sa.String(500), default="")

    event: Mapped[Event] = relationship()
    slots: Mapped[list[PartneringSlot]] = relationship(
        back_populates="window", cascade="all, delete-orphan",
        order_by="PartneringSlot.starts_at")


class PartneringSlot(db.Model):
    """One meeting slot of a window (``slot_minutes`` long)."""

    __table_args__ = (
        sa.UniqueConstraint("window_id", "starts_at", name="uq_partnering_slot_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    window_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_window.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    window: Mapped[PartneringWindow] = relationship(back_populates="slots")


class PartneringProfile(db.Model):
    """An attendee who joined the event's partnering: who they are and what they seek.

    Name, organisation and email come from the registration; only active profiles
    (``left_at`` None) are visible to other active profiles, and only inside partnering.
    """

    __table_args__ = (
        sa.Index("ix_partnering_profile_event_active", "event_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    #: One of the event's organisation types (``FunderReportSettings.organisation_types``),
    #: in the event's default language.
    organisation_type: Mapped[str] = mapped_column(sa.String(100), default="")
    #: ISO 3166 alpha-2 country of the organisation.
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    #: Chosen sectors (lines of ``PartneringSettings.sectors`` in the default language),
    #: one per line.
    sectors: Mapped[str] = mapped_column(sa.Text, default="")
    #: A short description of the organisation, in whatever language the person writes.
    description: Mapped[str] = mapped_column(sa.Text, default="")
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the person leaves partnering; they disappear from every list.
    left_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()
    needs: Mapped[list[PartneringNeed]] = relationship(
        back_populates="profile", cascade="all, delete-orphan",
        order_by="PartneringNeed.id")

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def sector_list(self) -> list[str]:
        return [line for line in self.sectors.splitlines() if line.strip()]


class NeedKind(enum.Enum):
    #: What the organisation offers others.
    OFFER = "offer"
    #: What the organisation looks for.
    REQUEST = "request"


class PartneringNeed(db.Model):
    """One offer or request of a profile: a cooperation type and a free text."""

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_profile.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NeedKind] = mapped_column(enum_column(NeedKind))
    #: A line of ``PartneringSettings.cooperation_types`` in the event's default language.
    cooperation_type: Mapped[str] = mapped_column(sa.String(100), default="")
    text: Mapped[str] = mapped_column(sa.String(NEED_TEXT_MAX_LENGTH), default="")

    profile: Mapped[PartneringProfile] = relationship(back_populates="needs")


class PartneringUnavailability(db.Model):
    """A slot in which a person cannot meet (marked by them on their private page)."""

    __table_args__ = (
        sa.UniqueConstraint("profile_id", "slot_id", name="uq_partnering_unavailability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_profile.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_slot.id", ondelete="CASCADE"), index=True)


class RequestState(enum.Enum):
    #: Sent, waiting for the recipient's answer.
    PENDING = "pending"
    #: Accepted: a meeting, to be placed into a slot at a table.
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: Taken back by the requester before an answer.
    WITHDRAWN = "withdrawn"
    #: An accepted meeting called off (by either side, or because one side left).
    CANCELLED = "cancelled"


#: States in which a request blocks another one between the same two people.
OPEN_REQUEST_STATES = (RequestState.PENDING, RequestState.ACCEPTED)


class MeetingOutcome(enum.Enum):
    HELD = "held"
    NO_SHOW = "no_show"


class MeetingRequest(db.Model):
    """A meeting request between two profiles; once accepted, the meeting itself.

    ``pair_low``/``pair_high`` are the two profile ids in order, so that the partial
    unique index allows one open (pending or accepted) request per pair, whoever sent it.
    A placed meeting has a slot and a table; a table hosts one meeting per slot (unique
    constraint). Cancelling clears the placement, which frees the table.
    """

    __table_args__ = (
        sa.Index("uq_meeting_request_open_pair", "pair_low", "pair_high", unique=True,
                 postgresql_where=sa.text("state IN ('pending', 'accepted')"),
                 sqlite_where=sa.text("state IN ('pending', 'accepted')")),
        sa.UniqueConstraint("slot_id", "table_number", name="uq_meeting_request_table"),
        sa.CheckConstraint("requester_id <> recipient_id", name="ck_meeting_request_self"),
        sa.Index("ix_meeting_request_event_state", "event_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_profile.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_profile.id", ondelete="CASCADE"), index=True)
    pair_low: Mapped[int]
    pair_high: Mapped[int]
    message: Mapped[str] = mapped_column(sa.String(MESSAGE_MAX_LENGTH), default="")
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState),
                                                default=RequestState.PENDING)
    #: Why it was declined or cancelled (optional, shown to the other side).
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX_LENGTH), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was accepted, declined, withdrawn or cancelled.
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Placement of an accepted meeting (both None while unplaced).
    slot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnering_slot.id", ondelete="SET NULL"), index=True)
    table_number: Mapped[int | None]
    #: A locked meeting keeps its slot and table when the scheduler runs again.
    locked: Mapped[bool] = mapped_column(default=False)
    #: Why the last scheduler run could not place this meeting (a stable code such as
    #: ``no_common_slot``); empty when placed.
    unplaced_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    outcome: Mapped[MeetingOutcome | None] = mapped_column(enum_column(MeetingOutcome))
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[PartneringProfile] = relationship(foreign_keys=[requester_id])
    recipient: Mapped[PartneringProfile] = relationship(foreign_keys=[recipient_id])
    slot: Mapped[PartneringSlot | None] = relationship()

    def other(self, profile_id: int) -> PartneringProfile:
        """The side of the meeting that is not ``profile_id``."""
        return self.recipient if profile_id == self.requester_id else self.requester


class MeetingRating(db.Model):
    """One side's rating of a held meeting and whether a follow-up is planned."""

    __table_args__ = (
        sa.UniqueConstraint("request_id", "profile_id", name="uq_meeting_rating"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_meeting_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_request.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnering_profile.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    follow_up: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(sa.String(REASON_MAX_LENGTH), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
