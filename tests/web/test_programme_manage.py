"""The organizers' programme pages, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, Role, Room, Session, Speaker, StarredSession, Track


@pytest.fixture
def organizer_client(app, make_event, make_user, login):
    event = make_event()
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client, event


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_an_organizer_adds_a_room_a_track_and_a_speaker(organizer_client):
    client, event = organizer_client
    base = f"/manage/{event.slug}/programme"
    for path, data in (("rooms", {"name": "Hall A", "capacity": "300"}),
                       ("tracks", {"name": "Biotech", "colour": "#AA3300"}),
                       ("speakers", {"name": "Claire Dubois", "email": "Claire@Pasteur.example"})):
        assert client.post(f"{base}/{path}", data=data).status_code == 302, path
    db.session.expire_all()
    assert db.session.execute(db.select(Room.capacity)).scalar_one() == 300
    assert db.session.execute(db.select(Track.colour)).scalar_one() == "#aa3300"
    assert db.session.execute(db.select(Speaker.email)).scalar_one() == "claire@pasteur.example"


def test_a_bad_colour_or_capacity_is_a_form_error(organizer_client):
    client, event = organizer_client
    response = client.post(f"/manage/{event.slug}/programme/tracks",
                           data={"name": "X", "colour": "red;}"})
    assert response.status_code == 200 and "hex colour" in response.get_data(as_text=True)
    response = client.post(f"/manage/{event.slug}/programme/rooms",
                           data={"name": "X", "capacity": "lots"})
    assert response.status_code == 200
    assert _count(Track) == 0 and _count(Room) == 0


def _session_data(**fields) -> dict:
    data = {"title": "Organoids in drug discovery", "abstract": "Hands-on **lab**",
            "session_type": "workshop", "track": "0", "room": "0", "day": "2026-05-12",
            "start_time": "09:30", "end_time": "11:00", "language": "en",
            "seat_capacity": "20", "is_public": "y"}
    data.update(fields)
    return data


def test_a_session_entered_in_event_time_is_stored_in_utc(organizer_client, make_room,
                                                         make_speaker):
    client, event = organizer_client
    room, speaker = make_room(event), make_speaker(event)
    response = client.post(f"/manage/{event.slug}/programme/sessions/new",
                           data=_session_data(room=str(room.id), speakers=[str(speaker.id)]))
    assert response.status_code == 302
    session = db.session.execute(db.select(Session)).scalar_one()
    assert session.starts_at == dt.datetime(2026, 5, 12, 7, 30, tzinfo=dt.UTC)  # CEST
    assert session.speakers == [speaker] and session.seat_capacity == 20


def test_the_edit_form_shows_event_times(organizer_client, make_session):
    client, event = organizer_client
    session = make_session(event, start="09:30", end="11:00")
    page = client.get(f"/manage/{event.slug}/programme/sessions/{session.id}").get_data(
        as_text=True)
    assert 'value="09:30"' in page and 'value="2026-05-12"' in page


def test_saving_over_a_conflict_shows_warnings_and_saves_nothing(organizer_client, make_room,
                                                                 make_session):
    client, event = organizer_client
    room = make_room(event, name="Hall A")
    make_session(event, room=room, title="Keynote", start="09:00", end="10:00")
    response = client.post(f"/manage/{event.slug}/programme/sessions/new",
                           data=_session_data(room=str(room.id), seat_capacity=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Room double-booked" in page and "Keynote" in page
    assert _count(Session) == 1


def test_saving_anyway_keeps_the_conflicting_session(organizer_client, make_room, make_session):
    client, event = organizer_client
    room = make_room(event)
    make_session(event, room=room, start="09:00", end="10:00")
    response = client.post(f"/manage/{event.slug}/programme/sessions/new",
                           data=_session_data(room=str(room.id), seat_capacity="",
                                              confirm_conflicts="y"))
    assert response.status_code == 302
    assert _count(Session) == 2
    page = client.get(f"/manage/{event.slug}/programme/conflicts").get_data(as_text=True)
    assert "Room double-booked" in page


def test_times_ending_before_start_or_half_given_are_form_errors(organizer_client):
    client, event = organizer_client
    url = f"/manage/{event.slug}/programme/sessions/new"
    assert "must end after" in client.post(url, data=_session_data(end_time="09:00")).get_data(
        as_text=True)
    assert "none of them" in client.post(url, data=_session_data(start_time="")).get_data(
        as_text=True)
    assert _count(Session) == 0


def test_unknown_choices_are_form_errors_not_crashes(organizer_client):
    client, event = organizer_client
    url = f"/manage/{event.slug}/programme/sessions/new"
    for bad in ({"room": "999"}, {"room": "x"}, {"session_type": "party"},
                {"speakers": ["42"]}, {"seat_capacity": "-3"}, {"day": "31.02.2026"}):
        response = client.post(url, data=_session_data(**bad))
        assert response.status_code == 200, bad
    assert _count(Session) == 0


def test_a_session_of_another_event_is_404(organizer_client, make_event, make_session):
    client, event = organizer_client
    other = make_session(make_event())
    assert client.get(f"/manage/{event.slug}/programme/sessions/{other.id}").status_code == 404


def test_the_grid_shows_every_session_marking_hidden_and_cancelled(organizer_client, make_room,
                                                                   make_session):
    client, event = organizer_client
    room = make_room(event, name="Hall A")
    make_session(event, room=room, title="Shown talk", start="09:00", end="10:00")
    make_session(event, room=room, title="Secret talk", is_public=False, start="10:00",
                 end="11:00")
    cancelled = make_session(event, room=room, title="Dropped talk", start="11:00", end="12:00")
    client.post(f"/manage/{event.slug}/programme/sessions/{cancelled.id}/cancel")
    page = client.get(f"/manage/{event.slug}/programme/grid?day=2026-05-12").get_data(
        as_text=True)
    assert "Shown talk" in page and "Secret talk" in page and "Dropped talk" in page
    assert "is-hidden" in page and "is-cancelled" in page
    assert '<th scope="col">Hall A</th>' in page


def test_moving_from_the_grid_changes_time_and_room_and_tells_followers(
        organizer_client, make_room, make_session, make_registration):
    client, event = organizer_client
    hall, lab = make_room(event), make_room(event, name="Lab 2")
    session = make_session(event, room=hall)
    registration = make_registration(event)
    db.session.add(StarredSession(registration_id=registration.id, session_id=session.id))
    db.session.commit()
    response = client.post(f"/manage/{event.slug}/programme/sessions/{session.id}/move",
                           data={"room": str(lab.id), "day": "2026-05-13",
                                 "start_time": "14:00", "end_time": "15:00"})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.room is lab
    assert session.starts_at == dt.datetime(2026, 5, 13, 12, 0, tzinfo=dt.UTC)
    assert db.session.execute(db.select(OutboxMessage.recipient)).scalar_one() == \
        registration.email


def test_moving_into_a_conflict_asks_for_confirmation(organizer_client, make_room, make_session):
    client, event = organizer_client
    room = make_room(event)
    session = make_session(event, room=room, start="09:00", end="10:00")
    make_session(event, room=room, start="14:00", end="15:00")
    url = f"/manage/{event.slug}/programme/sessions/{session.id}/move"
    data = {"room": str(room.id), "day": "2026-05-12", "start_time": "14:30",
            "end_time": "15:30"}
    assert "Room double-booked" in client.post(url, data=data).get_data(as_text=True)
    db.session.expire_all()
    assert session.starts_at.astimezone(event.tz).hour == 9
    assert client.post(url, data={**data, "confirm_conflicts": "y"}).status_code == 302


def test_the_overview_is_linked_from_event_management(organizer_client):
    client, event = organizer_client
    page = client.get(f"/manage/{event.slug}/").get_data(as_text=True)
    assert f"/manage/{event.slug}/programme/" in page


def test_a_nonexistent_local_time_is_a_form_error(organizer_client):
    client, event = organizer_client
    response = client.post(f"/manage/{event.slug}/programme/sessions/new",
                           data=_session_data(day="2026-03-29", start_time="02:15",
                                              end_time="04:00", seat_capacity=""))
    assert response.status_code == 200
    assert "clocks change" in response.get_data(as_text=True)
    assert _count(Session) == 0
