"""Programme exports (iCal, JSON, frab XML, the personal feed) in a chosen language."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from lxml import etree

from conference.content import LocalizedText
from conference.extensions import db
from conference.services.programme.agenda import feed_for


@pytest.fixture
def event(make_event, make_session, make_room, make_track):
    event = make_event(slug="prog", name=LocalizedText({"pl": "Kongres", "en": "Congress"}),
                       languages="pl,en")
    make_session(event, title=LocalizedText({"pl": "Organoidy w praktyce",
                                             "en": "Organoids in practice"}),
                 abstract=LocalizedText({"pl": "Streszczenie", "en": "Abstract"}),
                 room=make_room(event, name=LocalizedText({"pl": "Sala A", "en": "Hall A"})),
                 track=make_track(event, name=LocalizedText({"pl": "Biotechnologia",
                                                             "en": "Biotech"})))
    return event


def _summaries(data: bytes) -> list[str]:
    return [str(c["summary"]) for c in Calendar.from_ical(data).walk("VEVENT")]


def test_ical_defaults_to_the_events_default_language(client, event):
    data = client.get("/e/prog/programme.ics", headers={"Accept-Language": "en"}).data
    assert _summaries(data) == ["Organoidy w praktyce"]


def test_ical_in_the_asked_language(client, event):
    data = client.get("/e/prog/programme.ics?lang=en").data
    calendar = Calendar.from_ical(data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Organoids in practice"
    assert str(vevent["location"]).startswith("Hall A")
    assert str(calendar["x-wr-calname"]) == "Congress"


def test_json_in_the_asked_language(client, event):
    data = client.get("/e/prog/programme.json?lang=en").get_json()
    assert data["language"] == "en" and data["event"]["name"] == "Congress"
    [session] = data["sessions"]
    assert (session["title"], session["room"], session["track"]["name"], session["abstract"]) \
        == ("Organoids in practice", "Hall A", "Biotech", "Abstract")


def test_frab_xml_in_the_asked_language(client, event):
    root = etree.fromstring(client.get("/e/prog/schedule.xml?lang=en").data)
    assert root.findtext("conference/title") == "Congress"
    assert root.findtext("day/room/event/title") == "Organoids in practice"
    assert root.find("day/room").get("name") == "Hall A"


@pytest.mark.parametrize("path", ["programme.ics", "schedule.xml", "programme.json"])
@pytest.mark.parametrize("lang", ["de", "xx", "pl'--", "EN"])
def test_a_language_the_event_does_not_offer_is_a_400(client, event, path, lang):
    response = client.get(f"/e/prog/{path}", query_string={"lang": lang})
    assert response.status_code == 400


def test_json_refusal_names_the_reason(client, event):
    response = client.get("/e/prog/programme.json?lang=de")
    assert response.get_json() == {"status": "error", "reason": "unsupported_language"}


def test_a_removed_language_is_refused_but_its_texts_stay(client, event):
    event.languages = "pl"
    db.session.commit()
    assert client.get("/e/prog/programme.json?lang=en").status_code == 400
    event.languages = "pl,en"
    db.session.commit()
    assert client.get("/e/prog/programme.json?lang=en").get_json()["event"]["name"] == "Congress"


def test_the_personal_feed_speaks_the_attendees_language(client, event, make_registration):
    registration = make_registration(event, locale="en")
    feed = feed_for(registration)
    db.session.commit()
    data = client.get(f"/e/prog/agenda/{feed.token}.ics").data
    assert str(Calendar.from_ical(data)["x-wr-calname"]) == "Congress: my agenda"
    data = client.get(f"/e/prog/agenda/{feed.token}.ics?lang=pl").data
    assert str(Calendar.from_ical(data)["x-wr-calname"]).startswith("Kongres: ")
