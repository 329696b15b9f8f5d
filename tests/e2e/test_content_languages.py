"""An event written in Polish and English, read in a real Chromium: after switching the
page's language with the language menu, the event page, the registration form, the
programme, a session page and the private page show the organizers' texts in that language
and none of the other's (people's names are the same in both and not checked)."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import Question, QuestionKind
from conference.services.programme.workshops import book_seat

pytestmark = pytest.mark.browser

#: Every organizer text of the event, per language. Each is specific enough that it cannot
#: appear inside an interface string or inside the other language's text.
TEXTS = {
    "event_name": {"pl": "Otwarta Przestrzeń Nauk o Życiu", "en": "Life Science Open Space"},
    "venue": {"pl": "Centrum Kongresowe Wisła", "en": "Vistula Congress Centre"},
    "description": {"pl": "Doroczne spotkanie klastra biotechnologicznego",
                    "en": "Yearly meeting of the biotech cluster"},
    "ticket": {"pl": "Bilet pełnego dostępu", "en": "Full access pass"},
    "ticket_description": {"pl": "Obejmuje obiady i przyjęcie",
                           "en": "Includes the lunches and the reception"},
    "question": {"pl": "Jakie masz preferencje żywieniowe?",
                 "en": "What are your dietary preferences?"},
    "help": {"pl": "Kuchnia przygotuje posiłki", "en": "The kitchen will prepare meals"},
    "option_1": {"pl": "Dieta wegańska", "en": "Vegan meals"},
    "option_2": {"pl": "Dieta bezglutenowa", "en": "Gluten-free meals"},
    "room": {"pl": "Sala Wawelska", "en": "Wawel Hall"},
    "track": {"pl": "Medycyna cyfrowa", "en": "Digital medicine"},
    "session": {"pl": "Organoidy w badaniach przesiewowych", "en": "Organoids in screening"},
    "abstract": {"pl": "Streszczenie o hodowlach komórkowych",
                 "en": "Abstract about cell cultures"},
    "workshop": {"pl": "Warsztat z sekwencjonowania", "en": "Sequencing workshop"},
}


def _text(key: str) -> LocalizedText:
    return LocalizedText(TEXTS[key])


@pytest.fixture
def bilingual_event(make_event, make_ticket_type, make_room, make_track, make_session,
                    sign_up):
    first_day = dt.date.today() + dt.timedelta(days=30)  # registration and booking open
    event = make_event(name=_text("event_name"), venue_name=_text("venue"),
                       description=_text("description"), language="pl", languages="pl,en",
                       starts_on=first_day, ends_on=first_day + dt.timedelta(days=1))
    ticket = make_ticket_type(event, name=_text("ticket"),
                              description=_text("ticket_description"))
    question = Question(event=event, label=_text("question"), help_text=_text("help"),
                        kind=QuestionKind.SINGLE_CHOICE, position=1,
                        options=LocalizedText({
                            code: f"{TEXTS['option_1'][code]}\n{TEXTS['option_2'][code]}"
                            for code in ("pl", "en")}))
    db.session.add(question)
    db.session.commit()
    room, track = make_room(event, name=_text("room")), make_track(event, name=_text("track"))
    session = make_session(event, title=_text("session"), abstract=_text("abstract"),
                           room=room, track=track)
    workshop = make_session(event, title=_text("workshop"), room=room, start="12:00",
                            end="13:00", seat_capacity=10)
    registration = sign_up(event, ticket, answers={question.id: TEXTS["option_1"]["pl"]})
    book_seat(workshop, registration)
    db.session.commit()
    return event, session, registration


def _switch_language(page, language: str) -> None:
    """Choose ``language`` in the page's language menu, as a visitor does."""
    with page.expect_navigation():
        page.select_option("#lang-select", language)
    assert page.get_attribute("html", "lang") == language


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_and_attendee_pages_show_only_the_chosen_languages_texts(
        live_server, chromium, bilingual_event, language):
    event, session, registration = bilingual_event
    other = {"pl": "en", "en": "pl"}[language]
    base = f"{live_server}/e/{event.slug}"
    pages = {
        "event page": (f"{base}/", ["event_name", "venue", "description"]),
        "registration form": (f"{base}/register",
                              ["ticket", "ticket_description", "question", "help",
                               "option_1", "option_2"]),
        "programme": (f"{base}/programme", ["session", "room", "track", "workshop"]),
        "session page": (f"{base}/programme/{session.id}", ["session", "abstract", "room"]),
        "private page": (f"{base}/r/{registration.token}/",
                         ["event_name", "ticket", "question", "option_1", "venue"]),
        "attendee programme": (f"{base}/r/{registration.token}/programme",
                               ["session", "workshop"]),
    }
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/")
    _switch_language(page, language)
    try:
        for name, (url, expected) in pages.items():
            page.goto(url)
            shown = page.inner_text("body") + page.title()
            for key in expected:
                assert TEXTS[key][language] in shown, (name, key)
            leaked = [key for key, values in TEXTS.items() if values[other] in shown]
            assert leaked == [], (name, leaked)
    finally:
        context.close()
