"""Names the system creates, and choice questions, in every language of an event."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from conference.content import LocalizedText, use_event_languages
from conference.extensions import db
from conference.models import DecisionKind, Event, Question, QuestionKind, Role
from conference.services.cfp.decisions import (
    TemplateInvalid,
    get_template,
    save_template,
    speaker_ticket_type,
)
from conference.services.checkin.checkpoints import ensure_checkpoints
from conference.services.events import save_event
from conference.services.registration.attendee_input import clean_answers
from conference.services.registration.guest_import import import_guests
from conference.services.registration.settings import (
    OptionsDoNotLineUp,
    RegistrationAdminError,
    TicketTypeFields,
    TooFewChoices,
    save_question,
    save_ticket_type,
)


def _reload(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def _resave_languages(event: Event, languages: list[str]) -> None:
    save_event(event, name=event.name, slug=event.slug, starts_on=event.starts_on,
               ends_on=event.ends_on, timezone=event.timezone, venue_name=event.venue_name,
               venue_address=event.venue_address, description=event.description,
               contact_email=event.contact_email, status=event.status,
               language=event.language, languages=languages)
    db.session.commit()


def test_the_speakers_ticket_type_is_named_in_every_event_language(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    name = speaker_ticket_type(event).name
    assert name.exact("pl") == "Prelegent" and name.exact("en") == "Speaker"


def test_the_main_entrance_is_named_in_every_event_language(app, make_event):
    event = make_event(language="en", languages="en,pl")
    entrance = next(c for c in ensure_checkpoints(event) if c.is_entrance)
    assert entrance.name.translations() == {"en": "Main entrance", "pl": "Wejście główne"}


def test_a_workshop_checkpoint_keeps_the_sessions_title_in_each_language(
        app, make_event, make_session):
    event = make_event(languages="pl,en")
    make_session(event, title=LocalizedText({"pl": "Warsztat CRISPR", "en": "CRISPR workshop"}),
                 seat_capacity=20)
    workshop = next(c for c in ensure_checkpoints(event) if not c.is_entrance)
    assert workshop.name.translations() == {"pl": "Warsztat CRISPR", "en": "CRISPR workshop"}


def test_a_language_added_to_the_event_names_the_system_texts_in_it(app, make_event):
    event = make_event(language="pl", languages="pl")
    ticket_type = speaker_ticket_type(event)
    entrance = next(c for c in ensure_checkpoints(event) if c.is_entrance)
    db.session.commit()
    assert ticket_type.name.translations() == {"pl": "Prelegent"}
    _resave_languages(event, ["pl", "en"])
    assert _reload(type(ticket_type), ticket_type.id).name.exact("en") == "Speaker"
    assert _reload(type(entrance), entrance.id).name.exact("en") == "Main entrance"


def test_a_system_name_the_organizers_changed_is_left_to_them(app, make_event):
    event = make_event(language="pl", languages="pl")
    entrance = next(c for c in ensure_checkpoints(event) if c.is_entrance)
    entrance.name = LocalizedText({"pl": "Brama A"})
    db.session.commit()
    _resave_languages(event, ["pl", "en"])
    assert _reload(type(entrance), entrance.id).name.translations() == {"pl": "Brama A"}


def test_the_default_decision_template_is_written_in_every_event_language(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    template = get_template(event, DecisionKind.ACCEPTED)
    assert template.subject.exact("en").startswith("Your proposal was accepted")
    assert template.subject.exact("pl") != template.subject.exact("en")


def test_a_decision_template_with_an_unknown_placeholder_in_one_language_is_refused(
        app, make_event):
    event = make_event(language="pl", languages="pl,en")
    with pytest.raises(TemplateInvalid):
        save_template(event, DecisionKind.ACCEPTED,
                      LocalizedText({"pl": "Przyjęto: {title}", "en": "Accepted: {titel}"}),
                      LocalizedText({"pl": "Treść", "en": "Text"}))


def _choice_question(event, options, kind=QuestionKind.SINGLE_CHOICE):
    return save_question(event, None, label=LocalizedText({"pl": "Dieta", "en": "Diet"}),
                         help_text="", kind=kind, options=options, required=False,
                         position=0, active=True)


def test_choice_options_are_kept_per_language_and_answers_store_the_default(
        app, make_event):
    event = make_event(language="pl", languages="pl,en")
    question = _choice_question(event, LocalizedText({"pl": "Mięso\nWegańska",
                                                      "en": "Meat\nVegan"}))
    db.session.commit()
    question = _reload(Question, question.id)
    assert question.choices == ["Mięso", "Wegańska"]
    assert question.choice_labels("en") == [("Mięso", "Meat"), ("Wegańska", "Vegan")]
    assert clean_answers(event, {question.id: "Wegańska"})[question.id] == "Wegańska"
    assert question.answer_label("Wegańska", "en") == "Vegan"


def test_options_that_do_not_line_up_across_languages_are_refused(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    with pytest.raises(OptionsDoNotLineUp) as error:
        _choice_question(event, LocalizedText({"pl": "Mięso\nWegańska\nBezglutenowa",
                                               "en": "Meat\nVegan"}))
    assert error.value.details["field"] == "options"


def test_a_choice_question_needs_two_options_in_each_language(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    with pytest.raises(TooFewChoices):
        _choice_question(event, LocalizedText({"pl": "Mięso", "en": "Meat"}))


def test_answers_given_before_options_were_translated_still_show(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    question = Question(event=event, label="Dieta", kind=QuestionKind.MULTIPLE_CHOICE,
                        options="Mięso\nWegańska")
    db.session.add(question)
    db.session.commit()
    assert question.answer_label("Mięso\nWegańska", "en") == "Mięso\nWegańska"
    save_question(event, question, label=question.label, help_text="",
                  kind=QuestionKind.MULTIPLE_CHOICE,
                  options=LocalizedText({"pl": "Mięso\nWegańska", "en": "Meat\nVegan"}),
                  required=False, position=0, active=True)
    db.session.commit()
    assert _reload(Question, question.id).answer_label("Mięso\nWegańska", "en") == "Meat\nVegan"


def test_a_ticket_name_taken_in_any_language_is_refused(app, make_event, make_ticket_type):
    event = make_event(language="pl", languages="pl,en")
    make_ticket_type(event, name=LocalizedText({"pl": "Studencki", "en": "Student"}))
    with pytest.raises(RegistrationAdminError):
        save_ticket_type(event, None, TicketTypeFields(
            name=LocalizedText({"pl": "Ulgowy", "en": "student"})))


def test_the_guest_import_finds_a_ticket_type_by_its_name_in_any_language(
        app, make_event, make_ticket_type, make_user):
    event = make_event(language="pl", languages="pl,en")
    ticket = make_ticket_type(event, name=LocalizedText({"pl": "Gość", "en": "Guest"}))
    organizer = make_user(Role.ORGANIZER, events=[event])
    data = ("first_name,last_name,email,ticket_type\n"
            "Anna,Nowak,anna@example.org,gość\nJohn,Smith,john@example.org,Guest\n").encode()
    result = import_guests(event, data, by_user=organizer)
    assert [row.ticket_type.id for row in result.imported] == [ticket.id, ticket.id]


def test_a_language_taken_out_of_the_event_is_not_shown_on_its_pages(app, make_event):
    event = make_event(name=LocalizedText({"pl": "Konferencja", "en": "Conference"}),
                       language="pl", languages="pl")
    db.session.commit()
    with app.test_request_context("/"), force_locale("en"):
        use_event_languages(event)
        assert str(_reload(Event, event.id).name) == "Konferencja"


def test_a_system_name_made_before_events_had_languages_gets_the_others(app, make_event):
    event = make_event(language="pl", languages="pl,en")
    entrance = next(c for c in ensure_checkpoints(event) if c.is_entrance)
    entrance.name = "Wejście główne"  # a plain text, as stored before languages existed
    db.session.commit()
    ensure_checkpoints(event)
    db.session.commit()
    assert _reload(type(entrance), entrance.id).name.translations() == {
        "pl": "Wejście główne", "en": "Main entrance"}
