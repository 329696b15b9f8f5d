"""Languages: the header switch (remembered), the browser's preference, and dates, times
and numbers formatted for the locale in the event's timezone."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import render_template_string
from flask_babel import refresh

from conference import create_app
from conference.extensions import babel, db
from conference.i18n import format_date_range, format_local_datetime, format_number
from conference.models import OutboxMessage, Registration


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_language_is_used_without_a_choice(client):
    assert _lang(client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})) == "pl"
    assert _lang(client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})) == "en"


def test_an_unsupported_browser_language_falls_back_to_english(client):
    assert _lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"
    assert _lang(client.get("/")) == "en"


def test_the_language_switch_is_remembered_in_the_session(client):
    response = client.post("/lang", data={"lang": "pl", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session["lang"] == "pl"
    # The choice beats the browser's preference on later pages.
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "pl"


def test_the_language_choice_survives_a_new_browser_session(client, app):
    client.post("/lang", data={"lang": "pl", "next": "/"})
    cookie = client.get_cookie("lang")
    assert cookie.value == "pl" and cookie.max_age and cookie.http_only
    fresh = app.test_client()
    fresh.set_cookie("lang", "pl")
    assert _lang(fresh.get("/", headers={"Accept-Language": "en"})) == "pl"


def test_the_language_switch_refuses_unknown_languages_and_foreign_targets(client):
    assert client.post("/lang", data={"lang": "xx", "next": "/"}).status_code == 400
    response = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_switch_in_the_header_returns_to_the_current_page(client):
    html = client.get("/login?x=1").get_data(as_text=True)
    assert 'name="next" value="/login?x=1"' in html
    assert '<label for="lang-select"' in html


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        # Europe/Warsaw moves from CET to CEST at 01:00 UTC on 29 March 2026.
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), "01:30"),
        (dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), "03:30"),
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), "02:30"),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), "02:30"),
    ],
)
def test_times_are_shown_in_the_events_timezone_across_dst(app, make_event, utc, shown):
    event = make_event(timezone="Europe/Warsaw")
    with app.test_request_context("/"):
        assert render_template_string("{{ t|localtime(event) }}", t=utc, event=event) == shown


def test_the_same_instant_shows_in_each_events_own_timezone(app, make_event):
    instant = dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)
    warsaw = make_event(timezone="Europe/Warsaw")
    riga = make_event(timezone="Europe/Riga")
    with app.test_request_context("/"):
        template = "{{ t|localtime(a) }} {{ t|localtime(b) }}"
        assert render_template_string(template, t=instant, a=warsaw, b=riga) == "09:00 10:00"


def test_dates_and_numbers_follow_the_locale(app, make_event):
    event = make_event(timezone="Europe/Warsaw")
    instant = dt.datetime(2026, 5, 12, 22, 30, tzinfo=dt.UTC)  # 00:30 on 13 May in Kraków
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        assert format_local_datetime(instant, event) == "13 maj 2026, 00:30:00"
        assert format_number(1234567.5) == "1\xa0234\xa0567,5"
        assert format_date_range(dt.date(2026, 5, 12), dt.date(2026, 5, 13)) == "12–13 maja 2026"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()  # the test's app context is shared by both requests: forget "pl"
        assert format_local_datetime(instant, event) == "13 May 2026, 00:30:00"
        assert format_number(1234567.5) == "1,234,567.5"


def test_a_catalogue_dropped_into_the_translations_folder_is_used(app_config, tmp_path):
    catalogue = Catalog(locale="pl")
    catalogue.add("Staff login", "Logowanie personelu")
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as file:
        write_mo(file, catalogue)
    application = create_app({**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    # Flask-Babel keeps loaded catalogues in one process-wide cache (one app per process in
    # production); empty it so this app's folder is read, and again so others are not.
    with application.app_context():
        translation_cache = babel.domain_instance.cache
    translation_cache.clear()
    try:
        html = application.test_client().get(
            "/login", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    finally:
        translation_cache.clear()
        with application.app_context():
            db.engine.dispose()
    assert "<h1>Logowanie personelu</h1>" in html


def test_the_configured_translations_folder_is_the_packages(app):
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"].endswith("conference/translations")


# The Polish catalogue (conference/translations/pl) in use: pages and emails.

def _in_polish(client):
    client.post("/lang", data={"lang": "pl", "next": "/"})
    return client


def test_the_event_page_and_the_registration_form_are_in_polish(client, make_event,
                                                                 make_ticket_type):
    event = make_event(slug="lsos-pl")
    make_ticket_type(event, name="Standard")
    _in_polish(client)
    page = client.get("/e/lsos-pl/").get_data(as_text=True)
    assert ">Zarejestruj się</a>" in page and "<dt>Termin</dt>" in page
    assert ">Register</a>" not in page and "<dt>Dates</dt>" not in page
    form = client.get("/e/lsos-pl/register").get_data(as_text=True)
    assert "<legend>Dane uczestnika</legend>" in form
    assert "Akceptuję politykę prywatności" in form
    assert "About you" not in form and "I accept the privacy policy" not in form


def test_the_login_page_is_in_polish(client):
    page = _in_polish(client).get("/login").get_data(as_text=True)
    assert "<h1>Logowanie personelu</h1>" in page and ">Hasło</label>" in page
    assert "Staff login" not in page and ">Password</label>" not in page


def test_a_registration_made_in_polish_gets_its_confirmation_email_in_polish(
        client, make_event, make_ticket_type):
    event = make_event(slug="lsos-mail")
    ticket = make_ticket_type(event, name="Standard")
    _in_polish(client)
    response = client.post("/e/lsos-mail/register", data={
        "ticket_type": str(ticket.id), "first_name": "Zofia", "last_name": "Kowalska",
        "email": "zofia@example.org", "country": "PL", "privacy_consent": "y"})
    assert response.status_code == 302
    [registration] = db.session.execute(db.select(Registration)).scalars()
    [message] = db.session.execute(db.select(OutboxMessage)).scalars()
    assert registration.locale == "pl"
    assert message.subject == f"{event.name}: Rejestracja potwierdzona"
    assert "Rejestracja została potwierdzona." in message.body_text
    assert "Rejestracja została potwierdzona." in message.body_html
    assert '<html lang="pl">' in message.body_html
    assert "Your registration is confirmed" not in message.body_text + message.body_html


def test_polish_counts_take_the_plural_form_of_the_number(client, make_event, make_user,
                                                          login, make_registration):
    event = make_event(slug="lsos-count")
    login(client, make_user(events=[event]))
    _in_polish(client)
    pages = {}
    for total in (1, 2, 5):
        while len(db.session.execute(db.select(Registration)).all()) < total:
            make_registration(event)
        pages[total] = client.get("/manage/lsos-count/registrations").get_data(as_text=True)
    assert "1 rejestracja" in pages[1]
    assert "2 rejestracje" in pages[2]
    assert "5 rejestracji" in pages[5] and "5 registrations" not in pages[5]
