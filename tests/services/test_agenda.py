"""The personal agenda: stars, the feed secret, and the hall screens' now and next."""

from __future__ import annotations

import pytest

from conference.models import RegistrationState, SessionStatus
from conference.services.programme.agenda import (
    NotStarrable,
    feed_for,
    listed_sessions,
    now_and_next,
    registration_for_feed,
    registration_for_token,
    star_session,
    starred_sessions,
    unstar_session,
)
from tests.fixtures.agenda import local


def test_starring_puts_a_session_on_the_agenda_once(make_event, make_session, make_registration):
    event = make_event()
    session = make_session(event)
    registration = make_registration(event)
    assert star_session(registration, session) is True
    assert star_session(registration, session) is False
    assert starred_sessions(registration) == [session]


def test_unstarring_takes_it_off(make_event, make_session, make_registration):
    event = make_event()
    session = make_session(event)
    registration = make_registration(event)
    star_session(registration, session)
    assert unstar_session(registration, session) is True
    assert unstar_session(registration, session) is False
    assert starred_sessions(registration) == []


def test_hidden_sessions_and_other_events_sessions_cannot_be_starred(
        make_event, make_session, make_registration):
    event = make_event()
    registration = make_registration(event)
    for session in (make_session(event, is_public=False), make_session(make_event())):
        with pytest.raises(NotStarrable) as error:
            star_session(registration, session)
        assert error.value.code == "not_available"


def test_a_cancelled_registration_cannot_star(make_event, make_session, make_registration):
    event = make_event()
    registration = make_registration(event, state=RegistrationState.CANCELLED)
    with pytest.raises(NotStarrable):
        star_session(registration, make_session(event))


def test_the_feed_secret_differs_from_the_registration_token_and_is_stable(
        make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    feed = feed_for(registration)
    assert feed.token != registration.token
    assert len(feed.token) >= 32
    assert feed_for(registration).token == feed.token
    assert registration_for_feed(event, feed.token) is registration


def test_the_registration_token_does_not_open_the_feed(make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    feed_for(registration)
    assert registration_for_feed(event, registration.token) is None
    assert registration_for_feed(make_event(), feed_for(registration).token) is None


def test_registration_tokens_are_checked_per_event(make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    assert registration_for_token(event, registration.token) is registration
    assert registration_for_token(make_event(), registration.token) is None
    assert registration_for_token(event, "x" * 32) is None


def test_the_public_programme_leaves_out_hidden_and_unscheduled_sessions(make_event,
                                                                         make_session):
    event = make_event()
    shown = make_session(event)
    cancelled = make_session(event, status=SessionStatus.CANCELLED, start="12:00", end="13:00")
    make_session(event, is_public=False)
    make_session(event, starts_at=None, ends_at=None)
    assert listed_sessions(event) == [shown, cancelled]


def test_now_and_next_shows_running_sessions_and_the_next_one_per_room(
        make_event, make_room, make_session):
    event = make_event()
    hall, lab = make_room(event), make_room(event)
    running = make_session(event, room=hall, start="10:00", end="11:00")
    hall_next = make_session(event, room=hall, start="11:15", end="12:00")
    make_session(event, room=hall, start="13:00", end="14:00")
    lab_next = make_session(event, room=lab, start="12:00", end="13:00")
    make_session(event, room=lab, start="11:30", end="12:00", status=SessionStatus.CANCELLED)
    now = local(event.starts_on, "10:30")
    current, following = now_and_next(listed_sessions(event), now)
    assert current == [running]
    assert following == [hall_next, lab_next]
