"""Saving sessions: validation, conflict confirmation, and emails about changes."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    OutboxMessage,
    RegistrationState,
    SeatBooking,
    Session,
    SessionType,
    StarredSession,
)
from conference.services.messaging.outbox import deliver_pending
from conference.services.programme.conflicts import ConflictKind
from conference.services.programme.sessions import (
    AlreadyCancelled,
    InvalidTimes,
    UnconfirmedConflicts,
    WrongEvent,
    cancel_session,
    followers,
    local_instant,
    reschedule_session,
    save_session,
)
from tests.fixtures.agenda import local


def _outbox() -> list[OutboxMessage]:
    return list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_local_times_become_utc_with_the_right_offset(make_event):
    event = make_event()
    assert local_instant(event, dt.date(2026, 1, 10), dt.time(9, 0)) == dt.datetime(
        2026, 1, 10, 8, 0, tzinfo=dt.UTC)
    assert local_instant(event, dt.date(2026, 7, 10), dt.time(9, 0)) == dt.datetime(
        2026, 7, 10, 7, 0, tzinfo=dt.UTC)


def test_a_new_session_is_saved_with_its_speakers(make_event, make_room, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    session = Session()
    conflicts = save_session(session, event=event, title=" Organoids ", room=make_room(event),
                             starts_at=local(event.starts_on, "09:00"),
                             ends_at=local(event.starts_on, "10:00"), speakers=[speaker],
                             session_type=SessionType.WORKSHOP, seat_capacity=20)
    db.session.commit()
    assert conflicts == []
    assert session.title == "Organoids"
    assert session.speakers == [speaker]


def test_a_session_ending_before_it_starts_is_refused(make_event):
    event = make_event()
    with pytest.raises(InvalidTimes):
        save_session(Session(), event=event, title="x", starts_at=local(event.starts_on, "10:00"),
                     ends_at=local(event.starts_on, "09:00"))


def test_a_room_of_another_event_is_refused(make_event, make_room):
    event = make_event()
    with pytest.raises(WrongEvent):
        save_session(Session(), event=event, title="x", room=make_room(make_event()))


def test_saving_into_a_conflict_needs_confirmation(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, room=room)
    with pytest.raises(UnconfirmedConflicts) as error:
        save_session(Session(), event=event, title="Clash", room=room,
                     starts_at=local(event.starts_on, "10:30"),
                     ends_at=local(event.starts_on, "11:30"))
    assert [c.kind for c in error.value.details["conflicts"]] == [
        ConflictKind.ROOM_DOUBLE_BOOKED]
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count(Session.id))).scalar_one() == 1


def test_a_confirmed_conflict_is_saved_and_reported(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, room=room)
    conflicts = save_session(Session(), event=event, title="Clash", room=room,
                             starts_at=local(event.starts_on, "10:30"),
                             ends_at=local(event.starts_on, "11:30"), confirm_conflicts=True)
    db.session.commit()
    assert len(conflicts) == 1
    assert db.session.execute(db.select(db.func.count(Session.id))).scalar_one() == 2


@pytest.fixture
def followed(make_event, make_room, make_session, make_registration):
    """A public session starred by one attendee and booked by another."""
    event = make_event()
    room, other_room = make_room(event, name="Hall A"), make_room(event, name="Lab 2")
    session = make_session(event, room=room, title="Organoids", seat_capacity=10,
                           session_type=SessionType.WORKSHOP)
    star = make_registration(event, email="star@example.org", first_name="Zofia")
    seat = make_registration(event, email="seat@example.org", locale="pl")
    gone = make_registration(event, email="gone@example.org", state=RegistrationState.CANCELLED)
    db.session.add_all([StarredSession(registration_id=star.id, session_id=session.id),
                        StarredSession(registration_id=gone.id, session_id=session.id),
                        SeatBooking(registration_id=seat.id, session_id=session.id)])
    db.session.commit()
    return session, other_room


def test_followers_are_those_who_starred_or_booked_and_are_still_registered(followed):
    session, _ = followed
    assert sorted(r.email for r in followers(session)) == ["seat@example.org",
                                                           "star@example.org"]


def test_moving_a_published_session_emails_every_follower(followed):
    session, _ = followed
    reschedule_session(session, starts_at=local(session.event.starts_on, "14:00"),
                       ends_at=local(session.event.starts_on, "15:00"), room=session.room)
    db.session.commit()
    messages = _outbox()
    assert sorted(m.recipient for m in messages) == ["seat@example.org", "star@example.org"]
    assert all(m.kind == "session.moved" for m in messages)
    star = next(m for m in messages if m.recipient == "star@example.org")
    assert "Organoids" in star.subject
    assert "14:00–15:00" in star.body_text and "10:00–11:00" in star.body_text
    assert f"/programme/{session.id}" in star.body_text


def test_a_room_change_is_emailed(followed):
    session, other_room = followed
    save_session(session, event=session.event, title=session.title, room=other_room,
                 starts_at=session.starts_at, ends_at=session.ends_at,
                 session_type=session.session_type, seat_capacity=session.seat_capacity)
    db.session.commit()
    messages = _outbox()
    assert {m.kind for m in messages} == {"session.room"}
    assert all("Lab 2" in m.body_text for m in messages)


def test_cancelling_a_session_emails_followers_and_marks_it(followed):
    session, _ = followed
    assert cancel_session(session) == 2
    db.session.commit()
    assert session.is_cancelled
    assert {m.kind for m in _outbox()} == {"session.cancelled"}
    with pytest.raises(AlreadyCancelled):
        cancel_session(session)


def test_a_title_change_sends_no_email(followed):
    session, _ = followed
    save_session(session, event=session.event, title="Organoids, revised", room=session.room,
                 starts_at=session.starts_at, ends_at=session.ends_at)
    db.session.commit()
    assert _outbox() == []


def test_changes_to_a_hidden_session_send_no_email(followed):
    session, _ = followed
    session.is_public = False
    db.session.commit()
    cancel_session(session)
    db.session.commit()
    assert _outbox() == []


def test_an_unconfirmed_conflicting_move_sends_nothing_after_rollback(followed, make_session):
    session, other_room = followed
    make_session(session.event, room=other_room, start="14:00", end="15:00")
    with pytest.raises(UnconfirmedConflicts):
        reschedule_session(session, starts_at=local(session.event.starts_on, "14:00"),
                           ends_at=local(session.event.starts_on, "15:00"), room=other_room)
    db.session.rollback()
    assert _outbox() == []


def test_change_emails_reach_the_smtp_server(followed, smtp_server):
    session, _ = followed
    cancel_session(session)
    db.session.commit()
    report = deliver_pending()
    assert report.sent == 2
    assert smtp_server.to("star@example.org")[0]["Subject"].endswith("is cancelled")


def test_a_time_skipped_by_the_spring_clock_change_is_refused(make_event):
    event = make_event()
    with pytest.raises(InvalidTimes):
        local_instant(event, dt.date(2026, 3, 29), dt.time(2, 30))


def test_a_time_repeated_by_the_autumn_clock_change_is_the_first_one(make_event):
    event = make_event()
    assert local_instant(event, dt.date(2026, 10, 25), dt.time(2, 30)) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=dt.UTC)
