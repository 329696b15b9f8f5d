"""Organizers' texts per language: storage, fallback, search and sorting on both databases."""

from __future__ import annotations

from flask_babel import force_locale

from conference.content import LocalizedText, localize, localized_sort, use_event_languages
from conference.extensions import db
from conference.models import Event, TicketType


def _reload(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def test_a_text_per_language_is_stored_and_read_back(app, make_event):
    event = make_event(name={"pl": "Otwarta Przestrzeń", "en": "Open Space"})
    db.session.commit()
    stored = _reload(Event, event.id).name
    assert stored.translations() == {"pl": "Otwarta Przestrzeń", "en": "Open Space"}
    raw = db.session.execute(db.text("SELECT name FROM event WHERE id = :id"),
                             {"id": event.id}).scalar_one()
    assert "Przestrzeń" in raw  # written as typed, not as \\u escapes, so LIKE finds it


def test_a_plain_string_holds_for_every_language(app, make_event):
    event = make_event(name="LifeScience Open Space")
    db.session.commit()
    name = _reload(Event, event.id).name
    assert name.in_language("pl") == name.in_language("en") == "LifeScience Open Space"
    assert db.session.execute(db.text("SELECT name FROM event WHERE id = :id"),
                              {"id": event.id}).scalar_one() == "LifeScience Open Space"


def test_a_missing_language_falls_back_to_the_events_default(app, make_event):
    text = LocalizedText({"pl": "Wejście główne", "en": ""})
    assert text.in_language("en", default="pl") == "Wejście główne"
    assert text.missing(["pl", "en"]) == ["en"]
    assert LocalizedText().missing(["pl", "en"]) == []


def test_the_shown_text_follows_the_page_language_and_the_events_default(app, make_event):
    event = make_event(name={"pl": "Konferencja", "en": "Conference"}, language="pl")
    db.session.commit()
    for accept, expected in (("pl", "Konferencja"), ("en", "Conference"), ("de", "Konferencja")):
        with app.test_request_context("/", headers={"Accept-Language": accept}):
            use_event_languages(event)
            with force_locale(accept):
                assert str(_reload(Event, event.id).name) == expected


def test_localize_picks_a_persons_language_outside_any_request(app, make_event):
    event = make_event(name={"pl": "Konferencja", "en": "Conference"})
    db.session.commit()
    name = _reload(Event, event.id).name
    assert localize(name, "en") == "Conference"
    assert localize(name, "lv", default="pl") == "Konferencja"
    assert localize("plain", "en") == "plain"


def test_search_finds_a_text_in_any_language_on_both_databases(app, make_event,
                                                                make_ticket_type):
    event = make_event()
    make_ticket_type(event, name={"pl": "Bilet studencki", "en": "Student ticket"})
    make_ticket_type(event, name={"pl": "Bilet zwykły", "en": "Standard"})
    db.session.commit()
    for needle in ("studencki", "Student", "zwykły"):
        found = db.session.execute(
            db.select(TicketType.id).where(TicketType.event_id == event.id,
                                           TicketType.name.contains(needle))).scalars().all()
        assert len(found) == 1, needle


def test_sorting_follows_the_chosen_language_on_both_databases(app, make_event,
                                                               make_ticket_type):
    event = make_event()
    for pl, en in (("Absolwent", "Zebra"), ("Zwykły", "Alpha"), ("Młody", "Middle")):
        make_ticket_type(event, name={"pl": pl, "en": en})
    make_ticket_type(event, name="Beta")  # one value for every language
    db.session.commit()

    def names(language):
        rows = db.session.execute(
            db.select(TicketType).where(TicketType.event_id == event.id)
            .order_by(localized_sort(TicketType.name, language))).scalars()
        return [t.name.in_language(language) for t in rows]

    assert names("pl") == ["Absolwent", "Beta", "Młody", "Zwykły"]
    assert names("en") == ["Alpha", "Beta", "Middle", "Zebra"]


def test_replacing_one_language_keeps_the_others(app):
    text = LocalizedText("Main entrance")
    changed = text.replace_language("pl", "Wejście główne")
    assert changed.in_language("pl") == "Wejście główne"
    assert changed.in_language("en") == "Main entrance"
    assert changed != text
