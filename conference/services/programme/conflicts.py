"""Conflict checks of the programme: what an organizer should know before publishing.

``find_conflicts`` never refuses anything: it lists problems, and the back office asks for
an explicit confirmation before saving over them. Cancelled and unscheduled sessions take
part in no conflict.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import Event, Session, SessionStatus, Speaker, SpeakerUnavailability


class ConflictKind(enum.Enum):
    ROOM_DOUBLE_BOOKED = "room_double_booked"
    SPEAKER_DOUBLE_BOOKED = "speaker_double_booked"
    OUTSIDE_EVENT_DAYS = "outside_event_days"
    SEATS_ABOVE_ROOM_CAPACITY = "seats_above_room_capacity"
    SPEAKER_UNAVAILABLE = "speaker_unavailable"


#: What each kind means, for the pages.
CONFLICT_LABELS = {
    ConflictKind.ROOM_DOUBLE_BOOKED: _l("Room double-booked"),
    ConflictKind.SPEAKER_DOUBLE_BOOKED: _l("Speaker in two sessions at once"),
    ConflictKind.OUTSIDE_EVENT_DAYS: _l("Outside the event's days"),
    ConflictKind.SEATS_ABOVE_ROOM_CAPACITY: _l("More seats than the room holds"),
    ConflictKind.SPEAKER_UNAVAILABLE: _l("Speaker unavailable"),
}


@dataclass(frozen=True)
class Conflict:
    """One problem; ``sessions`` are the sessions involved (one or two)."""

    kind: ConflictKind
    sessions: tuple[Session, ...]
    speaker: Speaker | None = None
    unavailability: SpeakerUnavailability | None = None
    details: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return str(CONFLICT_LABELS[self.kind])

    def involves(self, session: Session) -> bool:
        return any(s is session for s in self.sessions)


def _active_sessions(event: Event) -> list[Session]:
    return list(
        db.session.execute(
            db.select(Session)
            .where(
                Session.event_id == event.id,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at.is_not(None),
                Session.ends_at.is_not(None),
            )
            .order_by(Session.starts_at, Session.id)
        ).scalars()
    )


def find_conflicts(event: Event, session: Session | None = None) -> list[Conflict]:
    """All conflicts of ``event``'s programme, or only those involving ``session``.

    ``session`` may carry unsaved changes (it is flushed by the query); it may even be a
    new session not yet in the database session, which is then checked as if added.
    """
    sessions = _active_sessions(event)
    if (
        session is not None
        and session not in sessions
        and session.status is not SessionStatus.CANCELLED  # None: new, not flushed yet
        and session.is_scheduled
    ):
        sessions.append(session)
    targets = sessions if session is None else [s for s in sessions if s is session]
    conflicts: list[Conflict] = []
    for target in targets:
        conflicts.extend(_single_conflicts(event, target))
    conflicts.extend(_pair_conflicts(sessions, session))
    return conflicts


def _single_conflicts(event: Event, s: Session) -> list[Conflict]:
    found = []
    if s.starts_at < event.local_start() or s.ends_at > event.local_end():
        found.append(Conflict(ConflictKind.OUTSIDE_EVENT_DAYS, (s,)))
    room = s.room
    if (
        s.seat_capacity is not None
        and room is not None
        and room.capacity is not None
        and s.seat_capacity > room.capacity
    ):
        found.append(
            Conflict(
                ConflictKind.SEATS_ABOVE_ROOM_CAPACITY,
                (s,),
                details={"seats": s.seat_capacity, "room_capacity": room.capacity},
            )
        )
    for speaker in s.speakers:
        for span in speaker.unavailability:
            if s.starts_at < span.ends_at and span.starts_at < s.ends_at:
                found.append(
                    Conflict(ConflictKind.SPEAKER_UNAVAILABLE, (s,), speaker=speaker,
                             unavailability=span)
                )
    return found


def _pair_conflicts(sessions: list[Session], only: Session | None) -> list[Conflict]:
    found = []
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id or 0))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.starts_at >= first.ends_at:
                break  # sorted by start: nothing later overlaps ``first``
            if only is not None and only is not first and only is not second:
                continue
            if not first.overlaps(second):
                continue
            pair = (first, second)
            if first.room is not None and first.room is second.room:
                found.append(Conflict(ConflictKind.ROOM_DOUBLE_BOOKED, pair))
            for speaker in first.speakers:
                if any(speaker is other for other in second.speakers):
                    found.append(
                        Conflict(ConflictKind.SPEAKER_DOUBLE_BOOKED, pair, speaker=speaker)
                    )
    return found


def overlapping(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime,
                b_end: dt.datetime) -> bool:
    """Two half-open spans intersect."""
    return a_start < b_end and b_start < a_end
