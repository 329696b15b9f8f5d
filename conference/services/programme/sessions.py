"""Building the programme: rooms, tracks and sessions, and telling people about changes.

Saving a session checks conflicts (``conference.services.programme.conflicts``) and refuses with
``UnconfirmedConflicts`` unless the organizer confirmed them. When a published session
moves, changes room or is cancelled, every attendee who starred it or booked a seat gets an
email through the outbox, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text, localized_sort
from conference.extensions import db
from conference.models import (
    Event,
    Registration,
    RegistrationState,
    Room,
    SeatBooking,
    Session,
    SessionStatus,
    SessionType,
    Speaker,
    StarredSession,
    Track,
)
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.messaging.outbox import enqueue_mail
from conference.services.programme.conflicts import Conflict, find_conflicts
from conference.urls import absolute_url

#: Registrations in these states hear about changes to sessions they follow.
NOTIFIED_STATES = (RegistrationState.CONFIRMED, RegistrationState.PENDING)


class ProgrammeError(DomainError):
    code = "programme_error"


class InvalidTimes(ProgrammeError):
    code = "invalid_times"


class WrongEvent(ProgrammeError):
    code = "wrong_event"


class UnconfirmedConflicts(ProgrammeError):
    """Saving would create conflicts the organizer has not confirmed (``details["conflicts"]``)."""

    code = "unconfirmed_conflicts"


class AlreadyCancelled(ProgrammeError):
    code = "already_cancelled"


def rooms_of(event: Event) -> list[Room]:
    """The event's rooms in their display order."""
    return list(db.session.execute(
        db.select(Room).where(Room.event_id == event.id).order_by(Room.position,
                                                                 localized_sort(Room.name))
    ).scalars())


def tracks_of(event: Event) -> list[Track]:
    """The event's tracks by name."""
    return list(db.session.execute(
        db.select(Track).where(Track.event_id == event.id).order_by(localized_sort(Track.name))
    ).scalars())


def local_instant(event: Event, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on ``day`` in the event's timezone, as an aware UTC instant.

    A time skipped by the spring clock change (02:30 in Warsaw on the last Sunday of
    March) does not exist and is refused; an autumn time that occurs twice is the first.
    """
    instant = dt.datetime.combine(day, time, tzinfo=event.tz).astimezone(dt.UTC)
    if instant.astimezone(event.tz).replace(tzinfo=None) != dt.datetime.combine(day, time):
        raise InvalidTimes(_l("This time does not exist on that day (the clocks change)."))
    return instant


def save_room(room: Room, *, event: Event, name: LocalizedText | str, capacity: int | None,
              notes: str = "") -> Room:
    """Create or update a room of ``event``."""
    room.event = event
    room.name = clean_text(name)
    room.capacity = capacity
    room.notes = notes or ""
    db.session.add(room)
    db.session.flush()
    return room


def save_track(track: Track, *, event: Event, name: LocalizedText | str, colour: str) -> Track:
    """Create or update a track of ``event``."""
    track.event = event
    track.name = clean_text(name)
    track.colour = colour.lower()
    db.session.add(track)
    db.session.flush()
    return track


def save_session(
    session: Session,
    *,
    event: Event,
    title: LocalizedText | str,
    abstract: LocalizedText | str = "",
    session_type: SessionType = SessionType.TALK,
    track: Track | None = None,
    room: Room | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    speakers: Iterable[Speaker] = (),
    language: str = "en",
    seat_capacity: int | None = None,
    is_public: bool = True,
    confirm_conflicts: bool = False,
) -> list[Conflict]:
    """Create or update a session; returns the conflicts it now takes part in.

    Raises ``UnconfirmedConflicts`` (after the caller's rollback nothing is changed) when
    the session is in conflict and ``confirm_conflicts`` is false.
    """
    speakers = list(speakers)
    for item in (track, room, *speakers):
        if item is not None and item.event_id != event.id:
            raise WrongEvent("track, room or speaker of another event")
    if (starts_at is None) != (ends_at is None):
        raise InvalidTimes(_l("Give both start and end, or neither."))
    if starts_at is not None and ends_at <= starts_at:
        raise InvalidTimes(_l("The session must end after it starts."))
    if seat_capacity is not None and seat_capacity < 1:
        raise ProgrammeError(_l("Seats must be at least 1."), field="seat_capacity")
    before = _snapshot(session) if session.id is not None else None
    session.event = event
    session.title = clean_text(title)
    session.abstract = clean_text(abstract)
    session.session_type = session_type
    session.track = track
    session.room = room
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.speakers = speakers
    session.language = language
    session.seat_capacity = seat_capacity
    session.is_public = is_public
    return _finish(session, event, before, confirm_conflicts)


def reschedule_session(
    session: Session,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: Room | None,
    confirm_conflicts: bool = False,
) -> list[Conflict]:
    """Move a session to another time and/or room (the agenda grid's move form)."""
    if ends_at <= starts_at:
        raise InvalidTimes(_l("The session must end after it starts."))
    if room is not None and room.event_id != session.event_id:
        raise WrongEvent("room of another event")
    before = _snapshot(session)
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.room = room
    return _finish(session, session.event, before, confirm_conflicts)


def cancel_session(session: Session) -> int:
    """Cancel a session (it stays in the programme, marked); returns how many were told."""
    if session.status is SessionStatus.CANCELLED:
        raise AlreadyCancelled(_l("The session is already cancelled."))
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    if not session.is_public:
        return 0
    return notify_followers(session, change="cancelled")


def restore_session(session: Session) -> None:
    """Undo a cancellation (no email: nobody loses anything)."""
    session.status = SessionStatus.SCHEDULED
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()


def _snapshot(session: Session) -> dict:
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room": session.room,
        "was_listed": session.is_public and session.is_scheduled
        and session.status is SessionStatus.SCHEDULED,
    }


def _finish(session: Session, event: Event, before: dict | None,
            confirm_conflicts: bool) -> list[Conflict]:
    db.session.add(session)
    db.session.flush()
    conflicts = find_conflicts(event, session)
    if conflicts and not confirm_conflicts:
        raise UnconfirmedConflicts(
            _l("The session is in conflict; confirm to save anyway."), conflicts=conflicts
        )
    if before is not None:
        moved = (before["starts_at"], before["ends_at"]) != (session.starts_at, session.ends_at)
        room_changed = before["room"] is not session.room
        if moved or room_changed:
            session.sequence += 1
            session.updated_at = utcnow()
            db.session.flush()
            if before["was_listed"] and session.status is SessionStatus.SCHEDULED:
                notify_followers(
                    session,
                    change="moved" if moved else "room",
                    old_starts_at=before["starts_at"],
                    old_ends_at=before["ends_at"],
                    old_room=before["room"],
                )
    return conflicts


def followers(session: Session) -> list[Registration]:
    """Registrations (confirmed or pending) that starred the session or booked a seat in it."""
    starred = db.select(StarredSession.registration_id).where(
        StarredSession.session_id == session.id)
    booked = db.select(SeatBooking.registration_id).where(SeatBooking.session_id == session.id)
    return list(
        db.session.execute(
            db.select(Registration)
            .where(
                Registration.state.in_(NOTIFIED_STATES),
                Registration.id.in_(starred.union(booked)),
            )
            .order_by(Registration.id)
        ).scalars()
    )


SUBJECTS = {
    "moved": _l("Programme change: %(title)s has moved"),
    "room": _l("Programme change: %(title)s is in another room"),
    "cancelled": _l("Programme change: %(title)s is cancelled"),
}


def notify_followers(session: Session, *, change: str, old_starts_at=None, old_ends_at=None,
                     old_room: Room | None = None) -> int:
    """Queue a ``session_changed`` email to every follower; returns how many were queued."""
    event = session.event
    count = 0
    for registration in followers(session):
        link = absolute_url("agenda.attendee_session", slug=event.slug,
                            token=registration.token, session_id=session.id)
        booked = db.session.execute(
            db.select(SeatBooking.id).where(
                SeatBooking.session_id == session.id,
                SeatBooking.registration_id == registration.id,
            )
        ).first() is not None
        enqueue_mail(
            kind=f"session.{change}",
            recipient=registration.email,
            subject=_LazySubject(SUBJECTS[change], session.title),
            template="session_changed",
            context={
                "registration": registration,
                "session": session,
                "change": change,
                "old_starts_at": old_starts_at,
                "old_ends_at": old_ends_at,
                "old_room": old_room,
                "booked": booked,
                "link": link,
            },
            event=event,
            locale=registration.locale,
        )
        count += 1
    return count


class _LazySubject:
    """A subject translated when ``enqueue_mail`` renders it in the recipient's locale."""

    def __init__(self, template, title: str):
        self.template = template
        self.title = title

    def __str__(self) -> str:
        return str(self.template) % {"title": self.title}
