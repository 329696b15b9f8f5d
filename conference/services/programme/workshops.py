"""Workshop seats: only confirmed attendees book, never more bookings than seats.

``book_seat`` decides inside the caller's transaction while holding row locks on the
registration and on the session (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers), always in that order so two bookings never deadlock. The test-only
setting ``WORKSHOP_SEAT_LOCK = False`` drops the locks to show the race is real.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    Registration,
    RegistrationState,
    SeatBooking,
    Session,
    SessionStatus,
)
from conference.models.types import utcnow
from conference.services import DomainError


class WorkshopError(DomainError):
    code = "workshop_error"


class NotBookable(WorkshopError):
    code = "not_bookable"


class NotConfirmed(WorkshopError):
    code = "not_confirmed"


class NoSeatsLeft(WorkshopError):
    code = "no_seats_left"


class AlreadyBooked(WorkshopError):
    code = "already_booked"


class OverlappingBooking(WorkshopError):
    code = "overlapping_booking"


class NotBooked(WorkshopError):
    code = "not_booked"


class SessionOver(WorkshopError):
    code = "session_over"


def _locking() -> bool:
    return current_app.config.get("WORKSHOP_SEAT_LOCK", True)


def _lock(model, row_id: int):
    query = db.select(model).where(model.id == row_id)
    if _locking():
        query = query.with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()


def booked_count(session: Session) -> int:
    """How many seats of ``session`` are booked."""
    return db.session.execute(
        db.select(db.func.count(SeatBooking.id)).where(SeatBooking.session_id == session.id)
    ).scalar_one()


def remaining_seats(session: Session) -> int | None:
    """Free seats of a workshop; None when the session needs no booking."""
    if session.seat_capacity is None:
        return None
    return max(session.seat_capacity - booked_count(session), 0)


def has_booking(session: Session, registration: Registration) -> bool:
    """Whether ``registration`` holds a seat in ``session``."""
    return _booking(session, registration) is not None


def _booking(session: Session, registration: Registration) -> SeatBooking | None:
    return db.session.execute(
        db.select(SeatBooking).where(
            SeatBooking.session_id == session.id,
            SeatBooking.registration_id == registration.id,
        )
    ).scalar_one_or_none()


def book_seat(session: Session, registration: Registration,
              now: dt.datetime | None = None) -> SeatBooking:
    """Give ``registration`` a seat in the workshop ``session``; the caller commits.

    Refuses: a session without seats, hidden, cancelled or of another event
    (``not_bookable``), a session already started (``session_over``), a registration that
    is not confirmed (``not_confirmed``), a second booking (``already_booked``), a booking
    overlapping another booked workshop (``overlapping_booking``), a full workshop
    (``no_seats_left``).
    """
    now = now or utcnow()
    registration = _lock(Registration, registration.id)
    session = _lock(Session, session.id)
    if (
        session.seat_capacity is None
        or session.status is SessionStatus.CANCELLED
        or not session.is_public
        or not session.is_scheduled
        or session.event_id != registration.event_id
    ):
        raise NotBookable(_l("This session takes no bookings."))
    if session.starts_at <= now:
        raise SessionOver(_l("This session has already started."))
    if registration.state is not RegistrationState.CONFIRMED:
        raise NotConfirmed(_l("Only confirmed registrations can book seats."))
    if _booking(session, registration) is not None:
        raise AlreadyBooked(_l("You already have a seat in this workshop."))
    other = db.session.execute(
        db.select(Session)
        .join(SeatBooking, SeatBooking.session_id == Session.id)
        .where(
            SeatBooking.registration_id == registration.id,
            Session.status == SessionStatus.SCHEDULED,
            Session.starts_at < session.ends_at,
            Session.ends_at > session.starts_at,
        )
        .limit(1)
    ).scalar_one_or_none()
    if other is not None:
        raise OverlappingBooking(
            _l("You have a seat in “%(title)s” at the same time.", title=other.title),
            session_id=other.id,
        )
    if booked_count(session) >= session.seat_capacity:
        raise NoSeatsLeft(_l("This workshop is full."))
    booking = SeatBooking(session_id=session.id, registration_id=registration.id)
    db.session.add(booking)
    db.session.flush()
    return booking


def cancel_booking(session: Session, registration: Registration) -> None:
    """Give the seat back; the caller commits."""
    booking = _booking(session, registration)
    if booking is None:
        raise NotBooked(_l("You have no seat in this workshop."))
    db.session.delete(booking)
    db.session.flush()


def release_bookings(registration: Registration) -> int:
    """Free every seat of a registration (e.g. when it is cancelled); returns how many."""
    bookings = db.session.execute(
        db.select(SeatBooking).where(SeatBooking.registration_id == registration.id)
    ).scalars().all()
    for booking in bookings:
        db.session.delete(booking)
    db.session.flush()
    return len(bookings)
