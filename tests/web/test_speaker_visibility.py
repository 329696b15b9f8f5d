"""A speaker hidden by the organizers disappears from every public page and export, and
comes back when shown again."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from conference.extensions import db
from conference.services.cfp.organizer import set_speaker_visibility
from conference.services.cfp.photos import store_photo
from conference.services.programme.agenda import feed_for, star_session
from tests.fixtures.cfp import image_bytes
from tests.web.test_access import _build_url, _routes, url_values
from tests.web.test_access import world as world  # noqa: F401 - the shared fixture

#: ASCII, so that JSON (which escapes other characters) shows them as written.
HIDDEN_NAME = "Klementyna Zawisza"
HIDDEN_BIO = "Counts tardigrades in Antarctic moss"
SHOWN_NAME = "Bartosz Kowal"

#: Every public place that names speakers. ``{speaker_id}`` is the hidden speaker.
PLACES = {
    "speakers page": "/e/{slug}/speakers",
    "speaker page": "/e/{slug}/speakers/{speaker_id}",
    "speaker photo": "/e/{slug}/speakers/{speaker_id}/photo",
    "programme": "/e/{slug}/programme",
    "attendee programme": "/e/{slug}/r/{token}/programme",
    "session page": "/e/{slug}/programme/{session_id}",
    "attendee session page": "/e/{slug}/r/{token}/programme/{session_id}",
    "hall screen": "/e/{slug}/programme/now?at=2027-05-11T09:10",
    "programme iCal": "/e/{slug}/programme.ics",
    "session iCal": "/e/{slug}/programme/{session_id}.ics",
    "personal iCal feed": "/e/{slug}/agenda/{feed_token}.ics",
    "programme JSON": "/e/{slug}/programme.json",
    "schedule XML": "/e/{slug}/schedule.xml",
}
#: Places that are the hidden speaker's own: they answer 404 while the speaker is hidden.
OWN_PLACES = {"speaker page", "speaker photo"}


@pytest.fixture
def stage(make_event, make_room, make_speaker, make_session, make_registration):
    """A published event whose one session has a speaker to hide and one who stays."""
    event = make_event(starts_on=dt.date(2027, 5, 11), ends_on=dt.date(2027, 5, 12))
    hidden = make_speaker(event, name=HIDDEN_NAME, biography=HIDDEN_BIO,
                          photo_filename=store_photo(image_bytes()))
    shown = make_speaker(event, name=SHOWN_NAME)
    session = make_session(event, room=make_room(event), title="Tardigrades in space",
                           speakers=[hidden, shown], start="09:00", end="09:45")
    registration = make_registration(event)
    star_session(registration, session)
    feed = feed_for(registration)
    db.session.commit()
    values = {"slug": event.slug, "speaker_id": hidden.id, "session_id": session.id,
              "token": registration.token, "feed_token": feed.token}
    return SimpleNamespace(speaker=hidden, values=values)


def _text(response) -> str:
    # iCalendar folds long lines ("\r\n" and a space): unfold so that names are whole.
    return response.get_data(as_text=True).replace("\r\n ", "")


def _set_visibility(speaker, public: bool) -> None:
    set_speaker_visibility(speaker, public)
    db.session.commit()


def _assert_shown(client, url: str, place: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    if place != "speaker photo":
        assert HIDDEN_NAME in _text(response), url


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_hidden_speaker_disappears_from_each_public_place_and_returns_when_shown(
        client, stage, place):
    url = PLACES[place].format(**stage.values)
    _assert_shown(client, url, place)

    _set_visibility(stage.speaker, False)
    response = client.get(url)
    if place in OWN_PLACES:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        text = _text(response)
        assert HIDDEN_NAME not in text and "tardigrades in Antarctic" not in text
        assert f"/speakers/{stage.speaker.id}" not in text  # neither profile nor photo
        assert SHOWN_NAME in text  # the other speaker stays

    _set_visibility(stage.speaker, True)
    _assert_shown(client, url, place)


def _speaker_free_pages(app, world):
    """Every public or attendee page of the access world, except the speakers' own private
    pages (which show a speaker their own name): (url, text) of each 200 answer."""
    client = app.test_client()
    values = url_values(world)
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or view.access not in ("public", "token"):
            continue
        if {"speaker_token", "proposal_token"} & set(rule.arguments):
            continue
        response = client.get(_build_url(rule, values))
        if response.status_code == 200:
            yield rule.rule, _text(response) if response.mimetype.startswith(
                ("text/", "application/json", "application/xml")) else ""


def test_no_public_page_or_export_names_a_hidden_speaker(app, world):
    from conference.models import Speaker

    speakers = db.session.execute(
        db.select(Speaker).filter_by(event_id=world["event"].id)).scalars().all()
    names = [f"Hidden Person {n}x" for n in range(len(speakers))]
    for speaker, name in zip(speakers, names, strict=True):
        speaker.name = name
    db.session.commit()
    naming = {url for url, text in _speaker_free_pages(app, world)
              if any(name in text for name in names)}
    assert {"/e/<slug>/speakers", "/e/<slug>/programme", "/e/<slug>/programme.json",
            "/e/<slug>/programme.ics"} <= naming  # the walk does see speakers

    for speaker in speakers:
        set_speaker_visibility(speaker, False)
    db.session.commit()
    leaks = [url for url, text in _speaker_free_pages(app, world)
             if any(name in text for name in names)]
    assert not leaks, f"hidden speakers named on: {leaks}"
