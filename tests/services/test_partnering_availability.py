"""Who is busy when: marked slots, booked workshops, starred sessions, talks given."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import SeatBooking, SessionStatus, StarredSession
from conference.services.partnering.availability import (
    busy_slots,
    marked_unavailable,
    programme_conflicts,
    save_unavailability,
)
from conference.services.partnering.errors import NotAParticipant, UnknownSlot

# The fixture window: 12 May 2026, 14:00-16:00 Warsaw (12:00 UTC), six 20-minute slots.


@pytest.fixture
def scene(make_event, make_partnering_settings, make_partnering_window,
          make_partnering_profile):
    event = make_event()
    make_partnering_settings(event)
    window = make_partnering_window(event)
    return event, window, make_partnering_profile(event)


def test_nobody_is_busy_by_default(scene):
    event, window, profile = scene
    assert busy_slots(profile, window.slots) == set()


def test_marked_slots_are_busy(scene):
    event, window, profile = scene
    save_unavailability(profile, {window.slots[1].id})
    assert busy_slots(profile, window.slots) == {window.slots[1].id}


def test_saving_replaces_the_marks(scene):
    event, window, profile = scene
    save_unavailability(profile, {window.slots[0].id, window.slots[1].id})
    save_unavailability(profile, {window.slots[2].id})
    db.session.commit()
    assert marked_unavailable(profile) == {window.slots[2].id}


def test_a_slot_of_another_event_is_refused(scene, make_event, make_partnering_window):
    event, window, profile = scene
    foreign = make_partnering_window(make_event())
    with pytest.raises(UnknownSlot):
        save_unavailability(profile, {foreign.slots[0].id})
    assert marked_unavailable(profile) == set()


def test_someone_who_left_cannot_mark_slots(scene):
    event, window, profile = scene
    profile.left_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with pytest.raises(NotAParticipant):
        save_unavailability(profile, {window.slots[0].id})


def test_a_booked_workshop_makes_the_overlapping_slots_busy(scene, make_session):
    event, window, profile = scene
    workshop = make_session(event, start="14:30", end="15:10", seat_capacity=20)
    db.session.add(SeatBooking(session_id=workshop.id, registration_id=profile.registration_id))
    db.session.commit()
    # 14:20-14:40, 14:40-15:00 and 15:00-15:20 overlap 14:30-15:10.
    assert busy_slots(profile, window.slots) == {s.id for s in window.slots[1:4]}


def test_a_session_ending_when_a_slot_starts_does_not_block_it(scene, make_session):
    event, window, profile = scene
    talk = make_session(event, start="13:00", end="14:00")
    db.session.add(StarredSession(session_id=talk.id, registration_id=profile.registration_id))
    db.session.commit()
    assert busy_slots(profile, window.slots) == set()


def test_a_starred_session_is_busy_and_named(scene, make_session):
    event, window, profile = scene
    talk = make_session(event, start="15:40", end="16:30", title="CRISPR in practice")
    db.session.add(StarredSession(session_id=talk.id, registration_id=profile.registration_id))
    db.session.commit()
    conflicts = programme_conflicts(event.id, [profile], window.slots)[profile.id]
    assert set(conflicts) == {window.slots[5].id}
    assert conflicts[window.slots[5].id].title == "CRISPR in practice"


def test_a_cancelled_session_does_not_count(scene, make_session):
    event, window, profile = scene
    talk = make_session(event, start="14:00", end="15:00", status=SessionStatus.CANCELLED)
    db.session.add(StarredSession(session_id=talk.id, registration_id=profile.registration_id))
    db.session.commit()
    assert busy_slots(profile, window.slots) == set()


def test_a_talk_the_person_gives_is_busy(scene, make_session, make_speaker):
    event, window, profile = scene
    speaker = make_speaker(event, email=profile.registration.email.upper())
    talk = make_session(event, start="14:00", end="14:20")
    talk.speakers.append(speaker)
    db.session.commit()
    assert busy_slots(profile, window.slots) == {window.slots[0].id}


def test_another_persons_programme_does_not_count(scene, make_session, make_partnering_profile):
    event, window, profile = scene
    other = make_partnering_profile(event)
    talk = make_session(event, start="14:00", end="16:00")
    db.session.add(StarredSession(session_id=talk.id, registration_id=other.registration_id))
    db.session.commit()
    assert busy_slots(profile, window.slots) == set()
