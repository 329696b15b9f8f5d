"""The back office: creating and editing events, assigning staff, creating accounts."""

from __future__ import annotations

import re

import pytest

from conference.extensions import db
from conference.models import Event, EventStatus, Role, User


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S))


def _event_form(**changes) -> dict:
    data = {
        "name": "Biotech Workshop Day",
        "slug": "biotech-day",
        "starts_on": "2026-06-02",
        "ends_on": "2026-06-02",
        "timezone": "Europe/Warsaw",
        "venue_name": "Krakow Technology Park",
        "venue_address": "ul. Podole 60, Kraków",
        "description": "Hands-on **workshops**.",
        "contact_email": "Workshops@Example.org",
        "status": "draft",
        "language": "pl",
        "languages": ["pl", "en"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def organizer(client, make_user, login):
    user = make_user(Role.ORGANIZER)
    login(client, user)
    return user


def _event(slug: str) -> Event | None:
    db.session.expire_all()
    return db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()


def test_an_organizer_creates_an_event_and_is_assigned_to_it(client, organizer):
    response = client.post("/manage/events/new", data=_event_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/biotech-day/"
    event = _event("biotech-day")
    assert event.status is EventStatus.DRAFT
    assert event.contact_email == "workshops@example.org"
    assert [u.id for u in event.staff] == [organizer.id]
    assert client.get("/manage/biotech-day/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2026-06-01"}, "The last day cannot be before the first day."),
        ({"timezone": "Mars/Olympus_Mons"}, "Unknown timezone"),
        ({"starts_on": "2026-13-45"}, "Not a valid date value."),
        ({"slug": "Has Spaces!"}, "Use lower-case letters, digits and -."),
        ({"name": ""}, "Enter this text at least in Polski."),
        ({"status": "deleted"}, "Not a valid choice."),
        ({"contact_email": "not-an-address"}, "Invalid email address."),
    ],
)
def test_bad_event_details_give_form_errors_and_save_nothing(client, organizer, changes,
                                                             message):
    response = client.post("/manage/events/new", data=_event_form(**changes))
    assert response.status_code == 200
    assert message in _errors(response)
    assert _event(_event_form(**changes)["slug"]) is None


def test_a_duplicate_short_name_gives_a_form_error(client, organizer, make_event):
    make_event(slug="biotech-day")
    response = client.post("/manage/events/new", data=_event_form())
    assert response.status_code == 200
    assert "Another event already uses this short name." in _errors(response)
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar() == 1


def test_an_organizer_edits_the_event_details(client, organizer, make_event):
    event = make_event(slug="old-name", staff=[organizer])
    response = client.post(f"/manage/{event.slug}/edit",
                           data=_event_form(slug="new-name", status="published"))
    assert response.status_code == 302
    edited = _event("new-name")
    assert edited.id == event.id
    assert edited.status is EventStatus.PUBLISHED
    assert edited.name == "Biotech Workshop Day"


def test_editing_to_another_events_short_name_is_refused(client, organizer, make_event):
    event = make_event(slug="mine", staff=[organizer])
    make_event(slug="taken")
    response = client.post("/manage/mine/edit", data=_event_form(slug="taken"))
    assert response.status_code == 200
    assert "Another event already uses this short name." in _errors(response)
    assert _event("mine").name == event.name


def test_the_edit_form_shows_the_current_details(client, organizer, make_event):
    make_event(slug="shown", name="Study Visit Riga", staff=[organizer],
               status=EventStatus.CLOSED)
    html = client.get("/manage/shown/edit").get_data(as_text=True)
    assert 'value="Study Visit Riga"' in html
    assert re.search(r'<option selected value="closed">|<option value="closed" selected', html)


def test_an_organizer_sees_only_their_own_events(client, organizer, make_event):
    make_event(slug="mine", name="My Event", staff=[organizer])
    make_event(slug="theirs", name="Their Event")
    index = client.get("/manage/").get_data(as_text=True)
    assert "My Event" in index
    assert "Their Event" not in index
    assert client.get("/manage/theirs/").status_code == 403
    assert client.get("/manage/theirs/edit").status_code == 403
    assert client.post("/manage/theirs/edit", data=_event_form(slug="theirs")).status_code == 403
    assert client.get("/manage/theirs/staff").status_code == 403


@pytest.fixture
def superuser(client, make_user, login):
    user = make_user(Role.ORGANIZER, superuser=True)
    login(client, user)
    return user


def test_a_superuser_sees_every_event(client, superuser, make_event):
    make_event(slug="one", name="Event One")
    make_event(slug="two", name="Event Two", status=EventStatus.DRAFT)
    index = client.get("/manage/").get_data(as_text=True)
    assert "Event One" in index and "Event Two" in index
    assert client.get("/manage/two/edit").status_code == 200


def test_a_superuser_creates_a_staff_account(client, superuser):
    response = client.post("/manage/users", data={
        "email": "New.Door@Example.org", "name": "New Door", "role": "door",
        "password": "long-enough-password",
    })
    assert response.status_code == 302
    user = db.session.execute(
        db.select(User).filter_by(email="new.door@example.org")).scalar_one()
    assert user.role is Role.DOOR
    assert not user.is_superuser
    assert user.check_password("long-enough-password")
    assert "new.door@example.org" in client.get("/manage/users").get_data(as_text=True)


def test_creating_an_account_twice_gives_a_form_error(client, superuser, make_user):
    make_user(Role.REVIEWER, email="taken@example.org")
    response = client.post("/manage/users", data={
        "email": "taken@example.org", "role": "reviewer", "password": "long-enough-password",
    })
    assert response.status_code == 200
    assert "An account with this email already exists." in _errors(response)


@pytest.mark.parametrize(
    "changes",
    [{"password": "short"}, {"role": "king"}, {"email": "no-at-sign"}],
)
def test_bad_account_details_give_form_errors(client, superuser, changes):
    data = {"email": "x@example.org", "role": "door", "password": "long-enough-password"}
    response = client.post("/manage/users", data={**data, **changes})
    assert response.status_code == 200
    assert _errors(response)
    assert db.session.execute(db.select(User).filter_by(email="x@example.org")).first() is None


def test_an_organizer_cannot_open_the_accounts_page(client, organizer):
    assert client.get("/manage/users").status_code == 403
    response = client.post("/manage/users", data={
        "email": "sneaky@example.org", "role": "organizer", "password": "long-enough-password",
        "is_superuser": "y",
    })
    assert response.status_code == 403


def test_the_event_form_keeps_a_text_per_language(client, organizer, make_event):
    event = make_event(slug="bilingual", staff=[organizer])
    response = client.post("/manage/bilingual/edit", data=_event_form(
        slug="bilingual", name=None, **{"name-pl": "Dzień warsztatów", "name-en": "Workshop Day"}))
    assert response.status_code == 302
    assert _event("bilingual").name.translations() == {"pl": "Dzień warsztatów",
                                                      "en": "Workshop Day"}
    page = client.get("/manage/bilingual/edit").get_data(as_text=True)
    assert 'name="name-pl" value="Dzień warsztatów"' in page
    assert 'name="name-en" value="Workshop Day"' in page
    assert event.id == _event("bilingual").id


def test_an_empty_translation_is_marked_missing(client, organizer, make_event):
    make_event(slug="half", staff=[organizer], name={"pl": "Tylko po polsku"})
    page = client.get("/manage/half/edit").get_data(as_text=True)
    assert "missing translation" in page


def test_a_language_taken_out_keeps_its_texts_and_they_return_with_it(client, organizer,
                                                                      make_event):
    make_event(slug="langs", staff=[organizer])
    texts = {"name-pl": "Konferencja", "name-en": "Conference"}
    client.post("/manage/langs/edit", data=_event_form(slug="langs", name=None, **texts))
    response = client.post("/manage/langs/edit", data=_event_form(
        slug="langs", name=None, languages=["pl"], **{"name-pl": "Konferencja 2"}))
    assert response.status_code == 302
    event = _event("langs")
    assert event.content_languages == ["pl"]
    assert event.name.translations() == {"pl": "Konferencja 2", "en": "Conference"}
    page = client.get("/manage/langs/edit").get_data(as_text=True)
    assert 'name="name-en"' not in page
    client.post("/manage/langs/edit", data=_event_form(slug="langs", name=None,
                                                       **{"name-pl": "Konferencja 2"}))
    assert 'name="name-en" value="Conference"' in client.get("/manage/langs/edit").get_data(
        as_text=True)


def test_the_default_language_must_be_one_of_the_events_languages(client, organizer,
                                                                  make_event):
    make_event(slug="dflt", staff=[organizer])
    response = client.post("/manage/dflt/edit", data=_event_form(
        slug="dflt", language="de", languages=["pl", "en"]))
    assert response.status_code == 200
    assert "The default language must be one of the event" in _errors(response)
