"""Attendee pages: the form, the private page (edit, cancel, calendar, offer), lost link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from conference.extensions import db
from conference.models import (
    OutboxMessage,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    WaitlistMode,
)
from conference.services.registration.core import cancel

S = RegistrationState


@pytest.fixture
def event(make_event):
    return make_event(slug="lsos", privacy_policy_version="v3")


@pytest.fixture
def standard(event, make_ticket_type):
    return make_ticket_type(event, name="Standard", capacity=2, price=250)


@pytest.fixture
def diet(event):
    question = Question(event=event, label="Dietary needs", kind=QuestionKind.SINGLE_CHOICE,
                        options="None\nVegetarian\nVegan", required=True)
    db.session.add(question)
    db.session.commit()
    return question


def form_data(ticket_type, **overrides) -> dict:
    data = {
        "ticket_type": str(ticket_type.id), "first_name": "Łukasz",
        "last_name": "Żółkiewski-Wąsowicz", "email": "Lukasz@Example.org",
        "organization": "Ryvu Therapeutics", "job_title": "Scientist", "country": "PL",
        "phone": "+48 12 345 67 89", "privacy_consent": "y", "join_waitlist": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Registration).order_by(Registration.id)).scalars())


def test_event_page_links_to_the_registration_form(client, event, standard):
    page = client.get("/e/lsos/").get_data(as_text=True)
    assert 'href="/e/lsos/register"' in page


def test_form_shows_public_ticket_types_and_questions(client, event, standard, diet,
                                                      make_ticket_type):
    make_ticket_type(event, name="Press", is_public=False, access_code="INK")
    page = client.get("/e/lsos/register").get_data(as_text=True)
    assert "Standard" in page
    assert "Press" not in page
    assert "Dietary needs" in page and "Vegetarian" in page


def test_access_code_unlocks_a_hidden_ticket_type(client, event, standard, make_ticket_type):
    press = make_ticket_type(event, name="Press", is_public=False, access_code="INK")
    page = client.get("/e/lsos/register?code=INK").get_data(as_text=True)
    assert "Press" in page
    response = client.post("/e/lsos/register?code=INK", data=form_data(press))
    assert response.status_code == 302
    assert registrations()[0].ticket_type_id == press.id


def test_hidden_ticket_type_cannot_be_posted_without_its_code(client, event, standard,
                                                              make_ticket_type):
    press = make_ticket_type(event, name="Press", is_public=False, access_code="INK")
    response = client.post("/e/lsos/register", data=form_data(press))
    assert response.status_code == 400
    assert "Please choose a ticket." in response.get_data(as_text=True)
    assert registrations() == []


def test_registering_confirms_and_shows_the_done_page(client, event, standard, diet):
    response = client.post("/e/lsos/register", data=form_data(standard, **{
        f"q_{diet.id}": "Vegan"}))
    assert response.status_code == 302
    [registration] = registrations()
    assert registration.state is S.CONFIRMED
    assert registration.email == "lukasz@example.org"
    assert registration.last_name == "Żółkiewski-Wąsowicz"
    assert registration.privacy_policy_version == "v3"
    assert registration.answers[0].value == "Vegan"
    assert response.headers["Location"].endswith(f"/e/lsos/r/{registration.token}/done")
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirmed" in done and "lukasz@example.org" in done


def test_full_ticket_type_is_marked_and_the_form_puts_people_on_the_waiting_list(
        client, event, make_ticket_type):
    ticket = make_ticket_type(event, name="Workshop", capacity=0)
    assert "sold out: waiting list" in client.get("/e/lsos/register").get_data(as_text=True)
    response = client.post("/e/lsos/register", data=form_data(ticket))
    assert registrations()[0].state is S.WAITLISTED
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "On the waiting list, position 1" in done


def test_full_ticket_type_without_waiting_list_box_explains(client, event, make_ticket_type):
    ticket = make_ticket_type(event, name="Workshop", capacity=0)
    response = client.post("/e/lsos/register", data=form_data(ticket, join_waitlist=None))
    assert response.status_code == 400
    assert "sold out" in response.get_data(as_text=True)
    assert registrations() == []


def test_already_registered_email_gets_a_way_to_receive_the_link(client, event, standard):
    client.post("/e/lsos/register", data=form_data(standard))
    response = client.post("/e/lsos/register", data=form_data(standard,
                                                              email="LUKASZ@example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already registered" in page
    assert 'action="/e/lsos/lost-link"' in page
    assert len(registrations()) == 1


@pytest.mark.parametrize("overrides", [
    {"first_name": ""}, {"last_name": "x" * 101}, {"first_name": "<b>Bob</b>"},
    {"email": "nope"}, {"email": "a" * 300 + "@example.org"}, {"country": "XX"},
    {"phone": "call me maybe"}, {"organization": "o" * 5000}, {"ticket_type": "abc"},
    {"ticket_type": "999999"}, {"ticket_type": None}, {"privacy_consent": None},
    {"diet": "Carnivore"}, {"diet": None},
])
def test_bad_input_gets_a_message_never_a_500(client, event, standard, diet, overrides):
    if "diet" in overrides:
        overrides = {f"q_{diet.id}": overrides["diet"]}
    data = form_data(standard, **{f"q_{diet.id}": "None"})
    data.update(overrides)
    response = client.post("/e/lsos/register",
                           data={k: v for k, v in data.items() if v is not None})
    assert response.status_code == 400
    assert 'class="errors"' in response.get_data(as_text=True)
    assert registrations() == []


def test_a_nul_in_the_registration_form_is_refused_with_a_message(client, event, standard):
    """NUL is refused for the whole request where input enters (conference.inputs)."""
    response = client.post("/e/lsos/register", data=form_data(standard, first_name="Anna\x00"))
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert registrations() == []


def test_registration_form_of_an_unknown_event_is_404(client):
    assert client.get("/e/nope/register").status_code == 404


# --- Private page ---


@pytest.fixture
def registered(event, standard, sign_up):
    return sign_up(event, standard, who={"first_name": "Zofia", "last_name": "O'Brien"})


def test_private_page_shows_the_registration(client, registered):
    response = client.get(f"/e/lsos/r/{registered.token}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "O&#39;Brien" in page and "Confirmed" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_token_or_wrong_event_gives_404(client, registered, make_event):
    other = make_event(slug="other")
    assert client.get("/e/lsos/r/not-the-token/").status_code == 404
    assert client.get(f"/e/{other.slug}/r/{registered.token}/").status_code == 404
    assert client.post("/e/lsos/r/not-the-token/cancel").status_code == 404


def test_attendee_edits_badge_details(client, registered):
    response = client.post(f"/e/lsos/r/{registered.token}/edit", data={
        "first_name": "李", "last_name": "小龙", "email": registered.email,
        "organization": "Biocat", "country": "ES"})
    assert response.status_code == 302
    db.session.refresh(registered)
    assert (registered.first_name, registered.last_name, registered.country) == (
        "李", "小龙", "ES")


def test_edit_with_bad_input_explains(client, registered):
    response = client.post(f"/e/lsos/r/{registered.token}/edit", data={
        "first_name": "", "last_name": "X", "email": "bad"})
    assert response.status_code == 400
    db.session.refresh(registered)
    assert registered.first_name == "Zofia"


def test_edit_after_the_deadline_is_refused(client, registered):
    registered.event.edit_deadline = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    db.session.commit()
    response = client.post(f"/e/lsos/r/{registered.token}/edit", data={
        "first_name": "Late", "last_name": "X", "email": registered.email})
    assert response.status_code == 302
    db.session.refresh(registered)
    assert registered.first_name == "Zofia"


def test_cancel_asks_for_confirmation_then_cancels(client, registered):
    page = client.get(f"/e/lsos/r/{registered.token}/cancel").get_data(as_text=True)
    assert "Do you really want to cancel" in page
    db.session.refresh(registered)
    assert registered.state is S.CONFIRMED
    response = client.post(f"/e/lsos/r/{registered.token}/cancel")
    assert response.status_code == 302
    db.session.refresh(registered)
    assert registered.state is S.CANCELLED


def test_calendar_file_describes_the_event(client, registered):
    response = client.get(f"/e/lsos/r/{registered.token}/event.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == registered.event.name
    assert entry.decoded("DTSTART") == registered.event.starts_on
    assert entry.decoded("DTEND") == registered.event.ends_on + dt.timedelta(days=1)
    assert "ICE Kraków" in str(entry["LOCATION"])
    assert registered.token in str(entry["URL"])


def test_attendee_accepts_an_offered_seat(client, make_event, make_ticket_type, sign_up):
    event = make_event(waitlist_mode=WaitlistMode.OFFER)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket)
    waiting = sign_up(event, ticket)
    cancel(holder)
    page = client.get(f"/e/{event.slug}/r/{waiting.token}/").get_data(as_text=True)
    assert "Accept the seat" in page
    client.post(f"/e/{event.slug}/r/{waiting.token}/accept")
    db.session.refresh(waiting)
    assert waiting.state is S.CONFIRMED


# --- Lost link ---


def test_lost_link_answers_the_same_for_registered_and_unknown_addresses(client, registered):
    known = client.post("/e/lsos/lost-link", data={"email": registered.email.upper()},
                        follow_redirects=True)
    unknown = client.post("/e/lsos/lost-link", data={"email": "stranger@example.org"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    # The pages may differ only in their CSRF tokens, which carry the second they were made.
    assert _without_csrf_tokens(known) == _without_csrf_tokens(unknown)
    sent = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "registration.link")).scalars().all()
    assert [m.recipient for m in sent] == [registered.email]


def _without_csrf_tokens(response) -> str:
    return re.sub(r'(name="csrf[-_]token"[^>]*?(?:value|content)=")[^"]*"',
                  r'\1"', response.get_data(as_text=True))


def test_lost_link_with_a_malformed_address_explains(client, event):
    response = client.post("/e/lsos/lost-link", data={"email": ""})
    assert response.status_code == 400


def test_every_question_kind_is_asked_and_stored_from_the_form(client, event, standard, diet):
    workshops = Question(event=event, label="Workshops", kind=QuestionKind.MULTIPLE_CHOICE,
                         options="CRISPR\nAI\nGMP")
    visit = Question(event=event, label="Study visit", kind=QuestionKind.CHECKBOX)
    note = Question(event=event, label="Note", kind=QuestionKind.LONG_TEXT)
    db.session.add_all([workshops, visit, note])
    db.session.commit()
    page = client.get("/e/lsos/register").get_data(as_text=True)
    assert 'type="checkbox" value="CRISPR"' in page and "<textarea" in page
    data = form_data(standard, **{f"q_{diet.id}": "Vegan", f"q_{visit.id}": "y",
                                  f"q_{note.id}": "Step-free access"})
    data[f"q_{workshops.id}"] = ["GMP", "AI"]
    assert client.post("/e/lsos/register", data=data).status_code == 302
    stored = {a.question_id: a.value for a in registrations()[0].answers}
    assert stored == {diet.id: "Vegan", workshops.id: "AI\nGMP", visit.id: "yes",
                      note.id: "Step-free access"}


def test_a_wrong_access_code_is_reported_and_unlocks_nothing(client, event, standard,
                                                             make_ticket_type):
    make_ticket_type(event, name="Press", is_public=False, access_code="INK")
    page = client.get("/e/lsos/register?code=INKY").get_data(as_text=True)
    assert "This access code is not valid" in page
    assert "Press" not in page


def test_opening_the_form_passes_a_lapsed_offer_on(client, make_event, make_ticket_type,
                                                    sign_up):
    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=1)
    ticket = make_ticket_type(event, capacity=1)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    holder = sign_up(event, ticket, now=long_ago)
    first = sign_up(event, ticket, now=long_ago)
    second = sign_up(event, ticket, now=long_ago + dt.timedelta(seconds=1))
    cancel(holder, now=long_ago)
    assert client.get(f"/e/{event.slug}/register").status_code == 200
    db.session.expire_all()
    assert first.state is S.CANCELLED
    assert second.offer_expires_at is not None
