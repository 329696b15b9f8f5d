"""The programme's conflict checks."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import Session, SessionStatus, SpeakerUnavailability
from conference.services.programme.conflicts import ConflictKind, find_conflicts
from tests.fixtures.agenda import local


def kinds(conflicts) -> list[ConflictKind]:
    return sorted((c.kind for c in conflicts), key=lambda k: k.value)


def test_a_clean_programme_has_no_conflicts(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, room=room, start="09:00", end="10:00")
    make_session(event, room=room, start="10:00", end="11:00")  # back to back is fine
    assert find_conflicts(event) == []


def test_two_sessions_in_one_room_at_once_are_a_room_conflict(make_event, make_room,
                                                               make_session):
    event = make_event()
    room = make_room(event)
    first = make_session(event, room=room, start="09:00", end="10:00")
    second = make_session(event, room=room, start="09:30", end="10:30")
    conflicts = find_conflicts(event)
    assert kinds(conflicts) == [ConflictKind.ROOM_DOUBLE_BOOKED]
    assert set(conflicts[0].sessions) == {first, second}


def test_overlapping_sessions_in_different_rooms_are_fine(make_event, make_room, make_session):
    event = make_event()
    make_session(event, room=make_room(event), start="09:00", end="10:00")
    make_session(event, room=make_room(event), start="09:00", end="10:00")
    assert find_conflicts(event) == []


def test_a_speaker_in_two_sessions_at_once_is_a_speaker_conflict(
        make_event, make_room, make_session, make_speaker):
    event = make_event()
    speaker = make_speaker(event, name="Claire Dubois")
    make_session(event, room=make_room(event), speakers=[speaker], start="09:00", end="10:00")
    make_session(event, room=make_room(event), speakers=[speaker], start="09:45", end="10:15")
    conflicts = find_conflicts(event)
    assert kinds(conflicts) == [ConflictKind.SPEAKER_DOUBLE_BOOKED]
    assert conflicts[0].speaker is speaker


def test_a_session_before_the_first_day_in_event_time_is_outside_the_event(
        make_event, make_session):
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13))
    # 23:30 Warsaw on 11 May is 21:30 UTC: still the day before in event time.
    make_session(event, day=dt.date(2026, 5, 11), start="23:30", end="23:50")
    assert kinds(find_conflicts(event)) == [ConflictKind.OUTSIDE_EVENT_DAYS]


def test_a_session_late_on_the_last_day_is_inside_even_when_utc_says_next_day(
        make_event, make_session):
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13),
                       timezone="Asia/Tokyo")
    # 08:00-09:00 Tokyo on 13 May is 23:00-00:00 UTC on 12 May: inside.
    make_session(event, day=dt.date(2026, 5, 13), start="08:00", end="09:00")
    assert find_conflicts(event) == []


def test_a_session_after_the_last_day_is_outside_the_event(make_event, make_session):
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13))
    make_session(event, day=dt.date(2026, 5, 14), start="00:30", end="01:00")
    assert kinds(find_conflicts(event)) == [ConflictKind.OUTSIDE_EVENT_DAYS]


def test_workshop_seats_above_room_capacity_are_a_conflict(make_event, make_room,
                                                           make_session):
    event = make_event()
    make_session(event, room=make_room(event, capacity=20), seat_capacity=25)
    conflicts = find_conflicts(event)
    assert kinds(conflicts) == [ConflictKind.SEATS_ABOVE_ROOM_CAPACITY]
    assert conflicts[0].details == {"seats": 25, "room_capacity": 20}


def test_seats_within_room_capacity_are_fine(make_event, make_room, make_session):
    event = make_event()
    make_session(event, room=make_room(event, capacity=20), seat_capacity=20)
    assert find_conflicts(event) == []


def test_a_speaker_scheduled_in_their_declared_unavailability_is_a_conflict(
        make_event, make_session, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    day = event.starts_on
    speaker.unavailability.append(SpeakerUnavailability(
        starts_at=local(day, "08:00"), ends_at=local(day, "10:30"), note="flight"))
    db.session.commit()
    make_session(event, speakers=[speaker], start="10:00", end="11:00")
    conflicts = find_conflicts(event)
    assert kinds(conflicts) == [ConflictKind.SPEAKER_UNAVAILABLE]
    assert conflicts[0].unavailability.note == "flight"


def test_unavailability_ending_when_the_session_starts_is_fine(make_event, make_session,
                                                               make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    day = event.starts_on
    speaker.unavailability.append(SpeakerUnavailability(
        starts_at=local(day, "08:00"), ends_at=local(day, "10:00")))
    db.session.commit()
    make_session(event, speakers=[speaker], start="10:00", end="11:00")
    assert find_conflicts(event) == []


def test_cancelled_and_unscheduled_sessions_take_part_in_no_conflict(make_event, make_room,
                                                                     make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, room=room)
    make_session(event, room=room, status=SessionStatus.CANCELLED)
    make_session(event, room=room, starts_at=None, ends_at=None)
    assert find_conflicts(event) == []


def test_conflicts_of_one_session_leave_out_the_others(make_event, make_room, make_session):
    event = make_event()
    room, other_room = make_room(event), make_room(event)
    a = make_session(event, room=room, start="09:00", end="10:00")
    make_session(event, room=room, start="09:30", end="10:30")
    c = make_session(event, room=other_room, start="14:00", end="15:00")
    make_session(event, room=other_room, start="14:30", end="15:30")
    assert [s for conflict in find_conflicts(event, a) for s in conflict.sessions
            if s is not a][0].room is room
    assert len(find_conflicts(event, a)) == 1
    assert len(find_conflicts(event, c)) == 1
    assert len(find_conflicts(event)) == 2


def test_an_unsaved_session_is_checked_against_the_programme(make_event, make_room,
                                                             make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, room=room)
    new = Session(event=event, title="New", room=room, starts_at=local(event.starts_on, "10:30"),
                  ends_at=local(event.starts_on, "11:30"))
    assert kinds(find_conflicts(event, new)) == [ConflictKind.ROOM_DOUBLE_BOOKED]


def test_sessions_of_other_events_never_conflict(make_event, make_room, make_session,
                                                 make_speaker):
    event, other = make_event(), make_event()
    make_session(event, room=make_room(event))
    make_session(other, room=make_room(other))
    assert find_conflicts(event) == []


def test_several_conflicts_of_one_session_are_all_reported(make_event, make_room, make_session,
                                                           make_speaker):
    event = make_event()
    room = make_room(event, capacity=10)
    speaker = make_speaker(event)
    make_session(event, room=room, speakers=[speaker], start="09:00", end="10:00")
    make_session(event, room=room, speakers=[speaker], start="09:30", end="10:30",
                 seat_capacity=12)
    assert kinds(find_conflicts(event)) == [
        ConflictKind.ROOM_DOUBLE_BOOKED,
        ConflictKind.SEATS_ABOVE_ROOM_CAPACITY,
        ConflictKind.SPEAKER_DOUBLE_BOOKED,
    ]
