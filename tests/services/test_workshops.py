"""Workshop seats: who may book, overlaps, freed seats, and no overselling under load."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time

import pytest

from conference.extensions import db
from conference.models import (
    Registration,
    RegistrationState,
    SeatBooking,
    Session,
    SessionStatus,
    SessionType,
)
from conference.services.programme import workshops
from conference.services.programme.workshops import (
    AlreadyBooked,
    NoSeatsLeft,
    NotBookable,
    NotBooked,
    NotConfirmed,
    OverlappingBooking,
    SessionOver,
    book_seat,
    cancel_booking,
    remaining_seats,
)

BEFORE = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def workshop(make_event, make_session):
    def make(event=None, seats=2, **fields):
        event = event or make_event()
        return make_session(event, session_type=SessionType.WORKSHOP, seat_capacity=seats,
                            **fields)

    return make


def test_a_confirmed_attendee_books_a_seat(workshop, make_registration):
    session = workshop(seats=3)
    registration = make_registration(session.event)
    book_seat(session, registration, now=BEFORE)
    db.session.commit()
    assert remaining_seats(session) == 2


@pytest.mark.parametrize("state", [RegistrationState.PENDING, RegistrationState.WAITLISTED,
                                   RegistrationState.CANCELLED])
def test_only_confirmed_registrations_book(workshop, make_registration, state):
    session = workshop()
    with pytest.raises(NotConfirmed) as error:
        book_seat(session, make_registration(session.event, state=state), now=BEFORE)
    assert error.value.code == "not_confirmed"


def test_the_last_seat_goes_and_the_next_attendee_is_refused(workshop, make_registration):
    session = workshop(seats=1)
    book_seat(session, make_registration(session.event), now=BEFORE)
    db.session.commit()
    with pytest.raises(NoSeatsLeft):
        book_seat(session, make_registration(session.event), now=BEFORE)
    assert remaining_seats(session) == 0


def test_booking_twice_is_refused(workshop, make_registration):
    session = workshop()
    registration = make_registration(session.event)
    book_seat(session, registration, now=BEFORE)
    with pytest.raises(AlreadyBooked):
        book_seat(session, registration, now=BEFORE)


def test_two_overlapping_workshops_cannot_both_be_booked(workshop, make_registration):
    first = workshop(start="10:00", end="12:00")
    second = workshop(event=first.event, start="11:30", end="13:00")
    registration = make_registration(first.event)
    book_seat(first, registration, now=BEFORE)
    with pytest.raises(OverlappingBooking) as error:
        book_seat(second, registration, now=BEFORE)
    assert error.value.details["session_id"] == first.id


def test_back_to_back_workshops_can_both_be_booked(workshop, make_registration):
    first = workshop(start="10:00", end="12:00")
    second = workshop(event=first.event, start="12:00", end="13:00")
    registration = make_registration(first.event)
    book_seat(first, registration, now=BEFORE)
    book_seat(second, registration, now=BEFORE)
    assert db.session.execute(db.select(db.func.count(SeatBooking.id))).scalar_one() == 2


def test_a_cancelled_workshop_does_not_block_an_overlapping_booking(workshop, make_registration):
    first = workshop(start="10:00", end="12:00")
    second = workshop(event=first.event, start="11:00", end="12:00")
    registration = make_registration(first.event)
    book_seat(first, registration, now=BEFORE)
    first.status = SessionStatus.CANCELLED
    db.session.commit()
    book_seat(second, registration, now=BEFORE)


def test_cancelling_a_booking_frees_the_seat(workshop, make_registration):
    session = workshop(seats=1)
    registration = make_registration(session.event)
    book_seat(session, registration, now=BEFORE)
    db.session.commit()
    cancel_booking(session, registration)
    db.session.commit()
    assert remaining_seats(session) == 1
    book_seat(session, make_registration(session.event), now=BEFORE)


def test_releasing_a_registrations_bookings_frees_all_its_seats(workshop, make_registration):
    first = workshop(seats=1, start="09:00", end="10:00")
    second = workshop(event=first.event, seats=1, start="10:00", end="11:00")
    registration = make_registration(first.event)
    book_seat(first, registration, now=BEFORE)
    book_seat(second, registration, now=BEFORE)
    assert workshops.release_bookings(registration) == 2
    assert (remaining_seats(first), remaining_seats(second)) == (1, 1)


def test_cancelling_the_registration_frees_its_workshop_seat(workshop, make_registration):
    from conference.services.registration.core import cancel

    session = workshop(seats=1)
    registration = make_registration(session.event)
    book_seat(session, registration, now=BEFORE)
    db.session.commit()
    cancel(registration)
    assert remaining_seats(session) == 1
    assert db.session.execute(db.select(SeatBooking)).scalars().all() == []


def test_cancelling_without_a_booking_is_refused(workshop, make_registration):
    session = workshop()
    with pytest.raises(NotBooked):
        cancel_booking(session, make_registration(session.event))


def test_sessions_without_seats_cancelled_or_hidden_take_no_bookings(
        make_event, make_session, workshop, make_registration):
    event = make_event()
    registration = make_registration(event)
    for session in (make_session(event), workshop(event=event, status=SessionStatus.CANCELLED),
                    workshop(event=event, is_public=False)):
        with pytest.raises(NotBookable):
            book_seat(session, registration, now=BEFORE)


def test_a_registration_of_another_event_cannot_book(workshop, make_event, make_registration):
    session = workshop()
    with pytest.raises(NotBookable):
        book_seat(session, make_registration(make_event()), now=BEFORE)


def test_a_started_workshop_takes_no_bookings(workshop, make_registration):
    session = workshop()
    with pytest.raises(SessionOver):
        book_seat(session, make_registration(session.event),
                  now=session.starts_at + dt.timedelta(minutes=1))


def test_sessions_without_seats_have_no_remaining_count(make_event, make_session):
    assert remaining_seats(make_session(make_event())) is None


# ---------------------------------------------------------------- concurrency (PostgreSQL)

def _book_in_parallel(app, monkeypatch, session_id: int, registration_ids: list[int]) -> list:
    """Every registration tries at once; the seat count is read slowly to widen the race."""
    real_count = workshops.booked_count

    def slow_count(session):
        value = real_count(session)
        time.sleep(0.2)
        return value

    monkeypatch.setattr(workshops, "booked_count", slow_count)
    barrier = threading.Barrier(len(registration_ids))
    results: list = []
    lock = threading.Lock()

    def attempt(registration_id: int):
        with app.app_context():
            session = db.session.get(Session, session_id)
            registration = db.session.get(Registration, registration_id)
            barrier.wait()
            try:
                book_seat(session, registration, now=BEFORE)
                db.session.commit()
                outcome = "booked"
            except NoSeatsLeft:
                db.session.rollback()
                outcome = "full"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(rid,)) for rid in registration_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres_only
def test_parallel_bookings_never_exceed_the_seats(app, workshop, make_registration,
                                                  monkeypatch):
    session = workshop(seats=2)
    ids = [make_registration(session.event).id for _ in range(6)]
    results = _book_in_parallel(app, monkeypatch, session.id, ids)
    assert sorted(results) == ["booked"] * 2 + ["full"] * 4
    db.session.expire_all()
    assert remaining_seats(session) == 0
    assert db.session.execute(db.select(db.func.count(SeatBooking.id))).scalar_one() == 2


@pytest.mark.postgres_only
def test_without_the_row_lock_parallel_bookings_oversell(app, workshop, make_registration,
                                                         monkeypatch):
    app.config["WORKSHOP_SEAT_LOCK"] = False
    session = workshop(seats=2)
    ids = [make_registration(session.event).id for _ in range(6)]
    results = _book_in_parallel(app, monkeypatch, session.id, ids)
    assert results.count("booked") > 2
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(SeatBooking.id))).scalar_one() > 2


def _book_two_overlapping_at_once(app, monkeypatch, registration_id: int,
                                  session_ids: list[int], wait_seconds: float = 1) -> list[str]:
    real_booking = workshops._booking
    # Each attempt waits after its overlap check until the other has checked too (so the
    # race is certain without the lock, whatever the machine's load: give it a long
    # ``wait_seconds``); with the lock the other attempt cannot get there, and the wait ends
    # after ``wait_seconds``.
    checked = threading.Barrier(len(session_ids))

    def slow_booking(session, registration):
        value = real_booking(session, registration)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=wait_seconds)
        return value

    monkeypatch.setattr(workshops, "_booking", slow_booking)
    barrier = threading.Barrier(len(session_ids))
    results: list[str] = []

    def attempt(session_id: int):
        with app.app_context():
            session = db.session.get(Session, session_id)
            registration = db.session.get(Registration, registration_id)
            barrier.wait()
            try:
                book_seat(session, registration, now=BEFORE)
                db.session.commit()
                results.append("booked")
            except OverlappingBooking:
                db.session.rollback()
                results.append("overlap")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(sid,)) for sid in session_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@pytest.mark.postgres_only
def test_one_attendee_booking_two_overlapping_workshops_at_once_gets_one(
        app, workshop, make_registration, monkeypatch):
    first = workshop(start="10:00", end="12:00")
    second = workshop(event=first.event, start="11:00", end="13:00")
    registration = make_registration(first.event)
    results = _book_two_overlapping_at_once(app, monkeypatch, registration.id,
                                            [first.id, second.id])
    assert results == ["booked", "overlap"]


@pytest.mark.postgres_only
def test_without_the_row_lock_one_attendee_gets_two_overlapping_workshops(
        app, workshop, make_registration, monkeypatch):
    app.config["WORKSHOP_SEAT_LOCK"] = False
    first = workshop(start="10:00", end="12:00")
    second = workshop(event=first.event, start="11:00", end="13:00")
    registration = make_registration(first.event)
    results = _book_two_overlapping_at_once(app, monkeypatch, registration.id,
                                            [first.id, second.id], wait_seconds=20)
    assert results == ["booked", "booked"]
