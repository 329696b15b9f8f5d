"""Every back-office form of an organizer's text has one input per event language: it saves
each language's value, marks a missing one, keeps the texts of a language taken out of the
event, and answers hostile input with a form error."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import (
    CfpSettings,
    Checkpoint,
    DecisionKind,
    DecisionTemplate,
    OutboxMessage,
    Question,
    ReviewCriterion,
    Role,
    Room,
    Session,
    TicketType,
    Track,
)
from conference.services.cfp.decisions import decide


@dataclass
class TranslatedForm:
    """A back-office form: where it posts, its other fields, its translated fields with a
    Polish and an English value, where its saved row is, and the page that edits it."""

    path: str
    other_fields: dict
    texts: dict[str, tuple[str, str]]
    model: type
    edit_path: object = None  # row -> path, or None when the row has no edit page
    rows: object = field(default=None)  # event -> select of the rows, newest last


FORMS = {
    "ticket type": TranslatedForm(
        "/ticket-types/new",
        {"price": "0", "currency": "PLN", "visibility": "public", "badge_role": "attendee",
         "position": "0"},
        {"name": ("Bilet dzienny", "Day pass"),
         "description": ("Jeden dzień konferencji", "One day of the conference")},
        TicketType, lambda row: f"/ticket-types/{row.id}/edit"),
    "question": TranslatedForm(
        "/questions/new", {"kind": "single_choice", "position": "0", "active": "y"},
        {"label": ("Czy potrzebujesz noclegu?", "Do you need a room?"),
         "help_text": ("Mamy zniżki w hotelach", "We have hotel discounts"),
         "options": ("Tak\nNie", "Yes\nNo")},
        Question, lambda row: f"/questions/{row.id}/edit"),
    "room": TranslatedForm(
        "/programme/rooms", {"capacity": "50"}, {"name": ("Sala Główna", "Main Hall")},
        Room, lambda row: f"/programme/rooms/{row.id}"),
    "track": TranslatedForm(
        "/programme/tracks", {"colour": "#123456"},
        {"name": ("Biotechnologia", "Biotechnology")}, Track,
        lambda row: f"/programme/tracks/{row.id}"),
    "session": TranslatedForm(
        "/programme/sessions/new",
        {"session_type": "talk", "track": "0", "room": "0", "language": "pl"},
        {"title": ("Organoidy", "Organoids"),
         "abstract": ("O hodowlach *komórkowych*", "About *cell* cultures")},
        Session, lambda row: f"/programme/sessions/{row.id}"),
    "review criterion": TranslatedForm(
        "/cfp/criteria", {}, {"name": ("Oryginalność", "Originality"),
                              "description": ("Czy to coś nowego?", "Is it new?")},
        ReviewCriterion),
    "decision template": TranslatedForm(
        "/cfp/templates/accepted", {},
        {"subject": ("Przyjęto: {title}", "Accepted: {title}"),
         "body": ("Dzień dobry {speaker_name}", "Dear {speaker_name}")},
        DecisionTemplate, lambda row: "/cfp/templates/accepted"),
    "call for proposals": TranslatedForm(
        "/cfp/settings",
        {"opens_at": "2026-03-01T10:00", "closes_at": "2026-04-01T23:59",
         "durations-talk": "25"},
        {"guidelines": ("Pisz *krótko*.", "Be *brief*.")},
        CfpSettings, lambda row: "/cfp/settings"),
    "entrance": TranslatedForm(
        "/checkin/checkpoints", {}, {"name": ("Brama B", "Gate B")}, Checkpoint),
}


@pytest.fixture
def organizer(app, make_event, make_user, login):
    event = make_event(language="pl", languages="pl,en")
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client, event


def _post(client, event, form: TranslatedForm, languages=("pl", "en"), **replace):
    data = dict(form.other_fields)
    for name, values in form.texts.items():
        for code, value in zip(("pl", "en"), values, strict=True):
            if code in languages:
                data[f"{name}-{code}"] = value
    data.update(replace)
    return client.post(f"/manage/{event.slug}{form.path}", data=data)


def _saved(form: TranslatedForm, event):
    db.session.expire_all()
    return db.session.execute(
        db.select(form.model).filter_by(event_id=event.id).order_by(form.model.id.desc())
        .limit(1)).scalar_one_or_none()


def _page(client, event, path: str) -> str:
    response = client.get(f"/manage/{event.slug}{path}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("kind", FORMS)
def test_each_language_is_saved(organizer, kind):
    client, event = organizer
    form = FORMS[kind]
    response = _post(client, event, form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = _saved(form, event)
    for name, (polish, english) in form.texts.items():
        assert getattr(row, name).translations() == {"pl": polish, "en": english}, name


@pytest.mark.parametrize("kind", [kind for kind, form in FORMS.items()
                                  if form.edit_path and kind != "decision template"])
def test_the_edit_page_marks_a_missing_translation(organizer, kind):
    client, event = organizer
    form = FORMS[kind]
    texts = {name: values[0] for name, values in form.texts.items()}
    assert _post(client, event, form, languages=("pl",)).status_code == 302
    page = _page(client, event, form.edit_path(_saved(form, event)))
    assert "missing translation" in page
    for name, polish in texts.items():
        assert f'name="{name}-pl"' in page and f'name="{name}-en"' in page
        assert polish.split("\n")[0] in page


@pytest.mark.parametrize("kind", [kind for kind, form in FORMS.items() if form.edit_path])
def test_a_language_taken_out_of_the_event_keeps_its_texts(organizer, kind):
    client, event = organizer
    form = FORMS[kind]
    assert _post(client, event, form).status_code == 302
    edit_path = form.edit_path(_saved(form, event))
    event.languages = "pl"
    db.session.commit()
    page = _page(client, event, edit_path)
    first = next(iter(form.texts))
    assert f'name="{first}-en"' not in page
    polish_only = {f"{name}-pl": values[0] for name, values in form.texts.items()}
    response = client.post(f"/manage/{event.slug}{edit_path}",
                           data={**form.other_fields, **polish_only})
    assert response.status_code == 302
    row = _saved(form, event)
    for name, (polish, english) in form.texts.items():
        assert getattr(row, name).translations() == {"pl": polish, "en": english}, name


def test_a_decision_template_keeps_the_default_text_of_a_language_not_edited(organizer):
    client, event = organizer
    form = FORMS["decision template"]
    assert _post(client, event, form, languages=("pl",)).status_code == 302
    subject = _saved(form, event).subject
    assert subject.exact("pl") == "Przyjęto: {title}"
    assert subject.exact("en") == "Your proposal was accepted: {title}"


def test_a_nul_character_refuses_the_request_with_a_message(organizer):
    client, event = organizer
    response = _post(client, event, FORMS["room"], **{"name-en": "Bad\x00name"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert _saved(FORMS["room"], event) is None


@pytest.mark.parametrize("kind", FORMS)
def test_a_huge_value_is_a_form_error(organizer, kind):
    client, event = organizer
    form = FORMS[kind]
    first = next(iter(form.texts))
    response = _post(client, event, form, **{f"{first}-en": "x" * 100_001})
    assert response.status_code in (200, 302, 422)
    if kind != "entrance":
        assert "at most" in response.get_data(as_text=True)
    row = _saved(form, event)
    assert row is None or len(getattr(row, first).exact("en")) < 100_000


def test_the_default_language_is_required_where_the_text_is(organizer):
    client, event = organizer
    response = _post(client, event, FORMS["room"], languages=("en",))
    assert response.status_code == 200
    assert "at least in Polski" in response.get_data(as_text=True)
    assert _saved(FORMS["room"], event) is None


def test_question_options_must_line_up_across_languages(organizer):
    client, event = organizer
    response = _post(client, event, FORMS["question"], **{"options-en": "Yes\nNo\nMaybe"})
    assert response.status_code == 200
    assert "same number of options in every language" in response.get_data(as_text=True)
    assert _saved(FORMS["question"], event) is None


def test_a_decision_email_goes_out_in_the_speakers_language(
        organizer, make_cfp, make_proposal):
    client, event = organizer
    event.name = LocalizedText({"pl": "Konferencja", "en": "Conference"})
    db.session.commit()
    assert _post(client, event, FORMS["decision template"]).status_code == 302
    make_cfp(event)
    proposal = make_proposal(event, title="Tardigrades")
    proposal.submitter.locale = "en"
    db.session.commit()
    decide([proposal], DecisionKind.ACCEPTED)
    db.session.commit()
    message = db.session.execute(
        db.select(OutboxMessage).filter_by(kind="cfp.accepted")).scalar_one()
    assert message.subject == "Conference: Accepted: Tardigrades"
    assert "Dear " in message.body_text and "Dzień dobry" not in message.body_text


def test_translated_texts_are_searchable_in_both_languages(organizer):
    client, event = organizer
    assert _post(client, event, FORMS["session"]).status_code == 302
    for word in ("Organoidy", "Organoids"):
        found = db.session.execute(db.select(Session.id).where(
            Session.event_id == event.id, Session.title.contains(word))).scalars().all()
        assert len(found) == 1, word
    assert isinstance(_saved(FORMS["session"], event).title, LocalizedText)
