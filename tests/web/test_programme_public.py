"""The public programme, its exports and the attendee's agenda, through the test client."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from lxml import etree

from conference.extensions import db
from conference.links import links_for
from conference.models import EventStatus, SeatBooking, SessionType, StarredSession


@pytest.fixture
def programme(make_event, make_room, make_track, make_speaker, make_session):
    # In the future, so workshops still take bookings.
    event = make_event(starts_on=dt.date(2027, 5, 11), ends_on=dt.date(2027, 5, 12))
    hall = make_room(event, name="Hall A")
    biotech, medtech = make_track(event, name="Biotech"), make_track(event, name="Medtech")
    claire = make_speaker(event, name="Claire Dubois", biography="Works on *organoids*.")
    sessions = {
        "talk": make_session(event, room=hall, track=biotech, title="CRISPR screens",
                             speakers=[claire], start="09:00", end="09:45",
                             abstract="Hello <script>alert(1)</script> **bold**"),
        "workshop": make_session(event, room=make_room(event, name="Lab 2"), track=medtech,
                                 title="Organoid workshop", session_type=SessionType.WORKSHOP,
                                 seat_capacity=1, start="10:00", end="12:00"),
        "hidden": make_session(event, room=hall, title="Board meeting", is_public=False,
                               start="13:00", end="14:00"),
    }
    return event, sessions


def test_the_programme_shows_public_sessions_only(client, programme):
    event, s = programme
    page = client.get(f"/e/{event.slug}/programme").get_data(as_text=True)
    assert "CRISPR screens" in page and "Organoid workshop" in page
    assert "Board meeting" not in page
    assert "session-list narrow-only" in page and "wide-only" in page


def test_filters_by_track_and_type_work_from_the_query_string(client, programme):
    event, s = programme
    track_id = s["talk"].track_id
    page = client.get(f"/e/{event.slug}/programme?track={track_id}").get_data(as_text=True)
    assert "CRISPR screens" in page and "Organoid workshop" not in page
    page = client.get(f"/e/{event.slug}/programme?type=workshop").get_data(as_text=True)
    assert "CRISPR screens" not in page and "Organoid workshop" in page


def test_nonsense_filters_and_days_are_ignored(client, programme):
    event, _ = programme
    response = client.get(f"/e/{event.slug}/programme?track=abc&type=party&day=yesterday")
    assert response.status_code == 200
    assert "CRISPR screens" in response.get_data(as_text=True)


def test_the_session_page_shows_speakers_room_and_sanitised_abstract(client, programme):
    event, s = programme
    page = client.get(f"/e/{event.slug}/programme/{s['talk'].id}").get_data(as_text=True)
    assert "Claire Dubois" in page and "Hall A" in page
    assert "<strong>bold</strong>" in page and "<em>organoids</em>" in page
    assert "<script>alert" not in page


def test_a_hidden_session_page_is_404(client, programme):
    event, s = programme
    assert client.get(f"/e/{event.slug}/programme/{s['hidden'].id}").status_code == 404
    assert client.get(f"/e/{event.slug}/programme/{s['hidden'].id}.ics").status_code == 404


def test_a_draft_events_programme_is_404_for_visitors(client, make_event):
    event = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/e/{event.slug}/programme").status_code == 404
    assert client.get(f"/e/{event.slug}/programme.json").status_code == 404


def test_now_and_next_uses_a_static_script_and_the_given_moment(client, programme):
    event, _ = programme
    response = client.get(f"/e/{event.slug}/programme/now?at=2027-05-11T09:30")
    page = response.get_data(as_text=True)
    assert "CRISPR screens" in page.split('id="next-h"')[0]
    assert "Organoid workshop" in page.split('id="next-h"')[1]
    assert "/static/js/agenda.js" in page and "<script>" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get(f"/e/{event.slug}/programme/now?at=soon").status_code == 400


def test_the_exports_parse(client, programme):
    event, s = programme
    ics = client.get(f"/e/{event.slug}/programme.ics")
    assert ics.mimetype == "text/calendar"
    uids = {str(e["uid"]) for e in icalendar.Calendar.from_ical(ics.data).walk("VEVENT")}
    assert uids == {f"session-{s['talk'].id}@localhost", f"session-{s['workshop'].id}@localhost"}
    one = icalendar.Calendar.from_ical(
        client.get(f"/e/{event.slug}/programme/{s['talk'].id}.ics").data)
    assert [str(e["summary"]) for e in one.walk("VEVENT")] == ["CRISPR screens"]
    data = client.get(f"/e/{event.slug}/programme.json").get_json()
    assert {x["title"] for x in data["sessions"]} == {"CRISPR screens", "Organoid workshop"}
    root = etree.fromstring(client.get(f"/e/{event.slug}/schedule.xml").data)
    assert {e.findtext("title") for e in root.iter("event")} == {"CRISPR screens",
                                                                  "Organoid workshop"}


def test_the_event_page_links_the_programme(client, programme):
    event, _ = programme
    assert f"/e/{event.slug}/programme" in client.get(f"/e/{event.slug}/").get_data(as_text=True)


def test_the_attendee_page_gets_an_agenda_link(app, make_event, make_registration):
    registration = make_registration(make_event())
    with app.test_request_context():
        links = links_for("attendee", registration)
    assert any(url.endswith(f"/r/{registration.token}/agenda") for _, url in links)


# ---------------------------------------------------------------- attendee pages

def test_an_attendee_stars_a_session_and_sees_it_in_my_agenda(client, programme,
                                                             make_registration):
    event, s = programme
    registration = make_registration(event)
    base = f"/e/{event.slug}/r/{registration.token}"
    page = client.get(f"{base}/programme/{s['talk'].id}").get_data(as_text=True)
    assert "Add to my agenda" in page
    assert client.post(f"{base}/programme/{s['talk'].id}/star").status_code == 302
    page = client.get(f"{base}/agenda").get_data(as_text=True)
    assert "CRISPR screens" in page
    assert client.post(f"{base}/programme/{s['talk'].id}/unstar").status_code == 302
    assert db.session.execute(db.select(StarredSession)).first() is None


def test_the_private_feed_has_starred_sessions_and_its_own_secret(client, programme,
                                                                 make_registration):
    event, s = programme
    registration = make_registration(event)
    base = f"/e/{event.slug}/r/{registration.token}"
    client.post(f"{base}/programme/{s['talk'].id}/star")
    page = client.get(f"{base}/agenda").get_data(as_text=True)
    feed_path = page.split('class="feed-url" type="url" readonly value="http://localhost')[1]
    feed_path = feed_path.split('"')[0]
    assert registration.token not in feed_path
    cal = icalendar.Calendar.from_ical(client.get(feed_path).data)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["CRISPR screens"]
    assert client.get(f"/e/{event.slug}/agenda/{registration.token}.ics").status_code == 404


def test_unknown_tokens_are_404(client, programme):
    event, s = programme
    base = f"/e/{event.slug}/r/{'x' * 32}"
    assert client.get(f"{base}/agenda").status_code == 404
    assert client.post(f"{base}/programme/{s['talk'].id}/star").status_code == 404
    assert client.post(f"{base}/programme/{s['workshop'].id}/book").status_code == 404
    assert client.get(f"/e/{event.slug}/agenda/{'y' * 32}.ics").status_code == 404


def test_an_attendee_books_the_last_seat_and_the_next_is_told_it_is_full(
        client, programme, make_registration):
    event, s = programme
    first, second = make_registration(event), make_registration(event)
    url = f"/e/{event.slug}/r/{{}}/programme/{s['workshop'].id}/book"
    assert client.post(url.format(first.token)).status_code == 302
    response = client.post(url.format(second.token), headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json() == {"status": "error", "reason": "no_seats_left",
                                   "message": "This workshop is full."}
    response = client.post(url.format(second.token), follow_redirects=True)
    assert "This workshop is full." in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SeatBooking.id))).scalar_one() == 1


def test_giving_a_seat_back_frees_it(client, programme, make_registration):
    event, s = programme
    registration = make_registration(event)
    base = f"/e/{event.slug}/r/{registration.token}/programme/{s['workshop'].id}"
    client.post(f"{base}/book")
    assert "You have a seat." in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/unbook").status_code == 302
    assert "1 of 1 free" in client.get(base).get_data(as_text=True)


def test_an_attendee_stars_from_the_programme_and_returns_to_it(client, programme,
                                                                make_registration):
    event, s = programme
    registration = make_registration(event)
    listing = f"/e/{event.slug}/r/{registration.token}/programme?type=talk"
    assert "☆ Star" in client.get(listing).get_data(as_text=True)
    response = client.post(
        f"/e/{event.slug}/r/{registration.token}/programme/{s['talk'].id}/star",
        data={"next": listing})
    assert response.headers["Location"].endswith(listing)
    assert "★ Starred" in client.get(listing).get_data(as_text=True)


def test_a_next_address_outside_the_attendees_pages_is_ignored(client, programme,
                                                               make_registration):
    event, s = programme
    registration = make_registration(event)
    response = client.post(
        f"/e/{event.slug}/r/{registration.token}/programme/{s['talk'].id}/star",
        data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith(
        f"/r/{registration.token}/programme/{s['talk'].id}")
