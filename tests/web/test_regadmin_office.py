"""In the office: who has come, country names, money, free tickets, email subjects, and the
names the system gives in the event's language, as organizers and attendees see them."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckinRule,
    OutboxMessage,
    PaymentStatus,
    Registration,
    Role,
    TicketType,
)
from conference.services.checkin.checkpoints import ensure_checkpoints
from conference.services.checkin.core import check_in
from conference.services.messaging.outbox import deliver_pending
from conference.services.registration.core import change_ticket_type
from tests.web.test_registration import form_data

NBSP = "\u00a0"
#: 09:05 in Kraków on the event's first day.
DAY_ONE = dt.datetime(2026, 5, 12, 7, 5, tzinfo=dt.UTC)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _url(desk, path: str) -> str:
    return f"/manage/{desk.event.slug}{path}"


def _polish(client) -> None:
    client.set_cookie("lang", "pl")


@pytest.fixture
def door(desk, make_user, make_checkpoint):
    """A door-staff member and a gate at the desk's event."""
    user = make_user(Role.DOOR, events=[desk.event])
    user.name = "Dorota Bramka"
    db.session.commit()
    return user, make_checkpoint(desk.event, "Gate 2")


def _enter(event, gate, registration, user, at=DAY_ONE):
    verdict = check_in(event, gate, registration.ticket_code, user=user,
                       nonce=secrets.token_hex(8), scanned_at=at, now=at)
    db.session.commit()
    assert verdict.code == "welcome"
    return db.session.execute(db.select(CheckIn).filter_by(
        registration_id=registration.id).order_by(CheckIn.id.desc())).scalars().first()


# --- Who has come -----------------------------------------------------------------------------


def test_list_shows_a_checked_in_column_and_filters_by_day(desk, door, make_registration):
    user, gate = door
    came = make_registration(desk.event, email="came@example.org")
    make_registration(desk.event, email="away@example.org")
    _enter(desk.event, gate, came, user)
    page = _text(desk.client.get(_url(desk, "/registrations")))
    assert "Checked in" in page and "12/05/2026, 09:05" in page and "not yet" in page
    page = _text(desk.client.get(_url(desk, "/registrations?checked_in=any")))
    assert "came@example.org" in page and "away@example.org" not in page
    page = _text(desk.client.get(_url(desk, "/registrations?checked_in=2026-05-13")))
    assert "No registrations match." in page
    assert 'value="2026-05-13"' in page  # the event's days are offered
    page = _text(desk.client.get(_url(desk, "/registrations?checked_in=none")))
    assert "away@example.org" in page and "came@example.org" not in page


@pytest.mark.parametrize("value", ["yesterday", "2026-05-20", "2026-13-45", "x" * 500])
def test_a_bad_checked_in_value_is_ignored(desk, door, make_registration, value):
    make_registration(desk.event, email="someone@example.org")
    response = desk.client.get(_url(desk, f"/registrations?checked_in={value}"))
    assert response.status_code == 200 and "someone@example.org" in _text(response)


def test_a_nul_byte_in_the_checked_in_filter_is_a_clear_400(desk, door):
    response = desk.client.get(_url(desk, "/registrations?checked_in=%00"))
    assert response.status_code == 400


def test_export_honours_the_checked_in_filter(desk, door, make_registration):
    user, gate = door
    came = make_registration(desk.event, email="came@example.org")
    make_registration(desk.event, email="away@example.org")
    _enter(desk.event, gate, came, user)
    text = desk.client.get(_url(desk, "/registrations/export.csv?checked_in=any")).get_data(
        as_text=True)
    assert "came@example.org" in text and "away@example.org" not in text
    assert "2026-05-12 09:05" in text


def test_registration_page_shows_entries_with_local_time_checkpoint_and_staff(
        desk, door, make_registration):
    user, gate = door
    registration = make_registration(desk.event)
    _enter(desk.event, gate, registration, user)
    page = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    section = page.split('id="check-ins"', 1)[1].split('id="', 1)[0]
    assert "12/05/2026, 09:05" in section and "Gate 2" in section and "Dorota Bramka" in section
    assert "Undo check-in" in section
    history = page.split(">History<", 1)[1]
    assert "checked in" in history and "Dorota Bramka" in history


def test_undo_from_the_registration_page_removes_the_entry_and_is_in_the_history(
        desk, door, make_registration):
    user, gate = door
    registration = make_registration(desk.event)
    entry = _enter(desk.event, gate, registration, user)
    response = desk.client.post(
        _url(desk, f"/registrations/{registration.id}/check-ins/{entry.id}/undo"),
        follow_redirects=True)
    page = _text(response)
    assert response.status_code == 200 and "may enter again" in page
    assert db.session.execute(db.select(CheckIn)).scalars().all() == []
    assert "Not checked in yet." in page
    history = page.split(">History<", 1)[1]
    assert "check-in undone" in history and "entry of 12/05/2026, 09:05" in history
    # The badge is welcome again at the door.
    assert _enter(desk.event, gate, registration, user) is not None


def test_undo_refuses_an_entry_of_another_registration_or_event(desk, door, make_registration,
                                                                make_event, make_checkpoint):
    user, gate = door
    mine = make_registration(desk.event)
    other = make_registration(desk.event)
    entry = _enter(desk.event, gate, other, user)
    url = _url(desk, f"/registrations/{mine.id}/check-ins/{entry.id}/undo")
    assert desk.client.post(url).status_code == 404
    assert desk.client.post(_url(desk, f"/registrations/{mine.id}/check-ins/999999/undo")
                            ).status_code == 404
    assert desk.client.get(_url(desk, f"/registrations/{other.id}/check-ins/{entry.id}/undo")
                           ).status_code == 405
    assert db.session.get(CheckIn, entry.id) is not None


def test_undo_needs_the_csrf_token(app, desk, door, make_registration):
    user, gate = door
    registration = make_registration(desk.event)
    entry = _enter(desk.event, gate, registration, user)
    app.config["WTF_CSRF_ENABLED"] = True
    url = _url(desk, f"/registrations/{registration.id}/check-ins/{entry.id}/undo")
    assert desk.client.post(url).status_code == 400
    assert db.session.get(CheckIn, entry.id) is not None
    page = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    entry_id = entry.id
    assert desk.client.post(url, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(CheckIn.id).filter_by(id=entry_id)).first() is None


def test_only_organizers_of_the_event_can_undo(app, desk, door, make_registration, make_user,
                                               login):
    user, gate = door
    registration = make_registration(desk.event)
    entry = _enter(desk.event, gate, registration, user)
    door_client = app.test_client()
    login(door_client, user)
    response = door_client.post(
        _url(desk, f"/registrations/{registration.id}/check-ins/{entry.id}/undo"))
    assert response.status_code == 403
    assert db.session.get(CheckIn, entry.id) is not None


# --- Countries --------------------------------------------------------------------------------


def test_countries_are_named_in_the_pages_language(desk, make_registration):
    registration = make_registration(desk.event, country="DE")
    page = _text(desk.client.get(_url(desk, "/registrations")))
    assert "<td>Germany</td>" in page
    assert "Germany" in _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    assert "Germany" in _text(desk.client.get(_url(desk, "/dashboard")))
    _polish(desk.client)
    assert "<td>Niemcy</td>" in _text(desk.client.get(_url(desk, "/registrations")))
    assert "Niemcy" in _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    assert "Niemcy" in _text(desk.client.get(_url(desk, "/dashboard")))


def test_export_names_countries_in_the_exports_language(desk, make_registration):
    make_registration(desk.event, country="DE")
    assert ",Germany," in _text(desk.client.get(_url(desk, "/registrations/export.csv")))
    _polish(desk.client)
    assert ",Niemcy," in _text(desk.client.get(_url(desk, "/registrations/export.csv")))


def test_guest_import_accepts_country_names_in_english_or_polish(desk, make_ticket_type):
    make_ticket_type(desk.event, name="Guest")
    data = (b"first_name,last_name,email,country,ticket_type\n"
            b"Anna,Nowak,anna@example.org,Poland,Guest\n"
            b"Jan,Kowal,jan@example.org,NIEMCY,Guest\n"
            b"Eva,Svoboda,eva@example.org,czechy,Guest\n"
            b"Ian,Reid,ian@example.org,gb,Guest\n")
    from io import BytesIO
    response = desk.client.post(_url(desk, "/registrations/import"),
                                data={"file": (BytesIO(data), "guests.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 302, _text(response)[:2000]
    countries = dict(db.session.execute(
        db.select(Registration.email, Registration.country)).all())
    assert countries == {"anna@example.org": "PL", "jan@example.org": "DE",
                         "eva@example.org": "CZ", "ian@example.org": "GB"}


def test_guest_import_refuses_an_unknown_country_name_clearly(desk, make_ticket_type):
    make_ticket_type(desk.event, name="Guest")
    data = (b"first_name,last_name,email,country,ticket_type\n"
            b"Anna,Nowak,anna@example.org,Wakanda,Guest\n")
    from io import BytesIO
    response = desk.client.post(_url(desk, "/registrations/import"),
                                data={"file": (BytesIO(data), "guests.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 200 and "Wakanda" in _text(response)
    assert db.session.execute(db.select(Registration)).scalars().all() == []


# --- Money ------------------------------------------------------------------------------------


def test_prices_are_formatted_for_the_pages_language(client, desk, make_ticket_type, sign_up):
    ticket = make_ticket_type(desk.event, name="Standard", price=250)
    registration = sign_up(desk.event, ticket)
    detail = _url(desk, f"/registrations/{registration.id}")
    assert f"PLN{NBSP}250.00" in _text(desk.client.get(detail))
    assert f"PLN{NBSP}250.00" in _text(desk.client.get(_url(desk, "/dashboard")))
    assert f"PLN{NBSP}250.00" in _text(desk.client.get(_url(desk, "/ticket-types")))
    private = f"/e/{desk.event.slug}/r/{registration.token}/"
    assert f"PLN{NBSP}250.00" in _text(client.get(private))
    assert f"Standard (PLN{NBSP}250.00)" in _text(client.get(f"/e/{desk.event.slug}/register"))
    _polish(desk.client)
    _polish(client)
    assert f"250,00{NBSP}zł" in _text(desk.client.get(detail))
    assert f"250,00{NBSP}zł" in _text(client.get(private))
    assert f"Standard (250,00{NBSP}zł)" in _text(client.get(f"/e/{desk.event.slug}/register"))
    assert "PLN250" not in _text(client.get(private))


def test_the_confirmation_email_shows_the_price_and_payment(client, smtp_server, make_event,
                                                            make_ticket_type):
    event = make_event(slug="priced", name="LifeScience Open Space 2026")
    ticket = make_ticket_type(event, price=250)
    client.set_cookie("lang", "pl")
    assert client.post("/e/priced/register", data=form_data(ticket)).status_code == 302
    assert deliver_pending().sent == 1
    [message] = smtp_server.to("lukasz@example.org")
    text = message.get_body(("plain",)).get_content()
    assert f"Cena: 250,00{NBSP}zł (jeszcze nie opłacono)" in text


# --- Free tickets -----------------------------------------------------------------------------


def test_a_free_ticket_reads_free_never_unpaid(client, desk, make_ticket_type,
                                               make_registration):
    free = make_ticket_type(desk.event, name="Speaker", price=0)
    # Stored unpaid (as speakers were before): still shown as free everywhere.
    registration = make_registration(desk.event, free, payment_status=PaymentStatus.UNPAID,
                                     email="speaker@example.org")
    page = _text(desk.client.get(_url(desk, "/registrations")))
    assert '">Free</span>' in page and '">Unpaid</span>' not in page
    detail = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    assert '">Free</span>' in detail and "Unpaid" not in detail
    assert "Mark paid" not in detail  # nothing to pay
    private = _text(client.get(f"/e/{desk.event.slug}/r/{registration.token}/"))
    assert "free" in private and "not paid yet" not in private
    export = _text(desk.client.get(_url(desk, "/registrations/export.csv")))
    assert ",Free," in export and "Unpaid" not in export and "unpaid" not in export


def test_payment_filter_tells_free_from_unpaid(desk, make_ticket_type, make_registration):
    free = make_ticket_type(desk.event, price=0)
    paid = make_ticket_type(desk.event, price=100)
    make_registration(desk.event, free, payment_status=PaymentStatus.UNPAID,
                      email="free@example.org")
    make_registration(desk.event, paid, payment_status=PaymentStatus.UNPAID,
                      email="owes@example.org")
    page = _text(desk.client.get(_url(desk, "/registrations?paid=unpaid")))
    assert "owes@example.org" in page and "free@example.org" not in page
    page = _text(desk.client.get(_url(desk, "/registrations?paid=free")))
    assert "free@example.org" in page and "owes@example.org" not in page


def test_the_free_ticket_email_says_free(client, smtp_server, make_event, make_ticket_type):
    event = make_event(slug="free-mail")
    ticket = make_ticket_type(event, price=0)
    assert client.post("/e/free-mail/register", data=form_data(ticket)).status_code == 302
    deliver_pending()
    [message] = smtp_server.to("lukasz@example.org")
    text = message.get_body(("plain",)).get_content()
    assert "Price: free" in text and "not paid" not in text


def test_moving_to_a_free_ticket_waives_the_open_payment(desk, make_ticket_type, sign_up):
    paid = make_ticket_type(desk.event, price=100)
    free = make_ticket_type(desk.event, price=0)
    registration = sign_up(desk.event, paid)
    assert registration.payment_status is PaymentStatus.UNPAID
    change_ticket_type(registration, free, by_user=desk.organizer)
    assert registration.payment_status is PaymentStatus.WAIVED


def test_a_confirmed_speaker_gets_a_waived_not_unpaid_registration(app, make_event):
    from conference.models import Speaker
    from conference.services.cfp.decisions import ensure_speaker_registration

    event = make_event()
    speaker = Speaker(event_id=event.id, name="Ewa Prelegentka", email="ewa@example.org",
                      affiliation="UJ", locale="pl")
    db.session.add(speaker)
    db.session.flush()
    registration = ensure_speaker_registration(speaker)
    db.session.commit()
    assert registration.payment_status is PaymentStatus.WAIVED


# --- Email subjects ---------------------------------------------------------------------------


def test_email_subjects_name_the_event_in_the_recipients_language(client, smtp_server,
                                                                  make_event, make_ticket_type):
    event = make_event(slug="lsos", name="LifeScience Open Space 2026")
    ticket = make_ticket_type(event)
    client.post("/e/lsos/register", data=form_data(ticket))
    client.set_cookie("lang", "pl")
    client.post("/e/lsos/register", data=form_data(ticket, email="ola@example.org"))
    deliver_pending()
    assert smtp_server.to("lukasz@example.org")[0]["Subject"] == (
        "LifeScience Open Space 2026: Your registration is confirmed")
    polish = smtp_server.to("ola@example.org")[0]["Subject"]
    assert polish == "LifeScience Open Space 2026: Rejestracja potwierdzona"


def test_a_subject_is_not_prefixed_twice(app, make_event):
    from conference.services.messaging.outbox import enqueue_rendered

    event = make_event(name="LSOS 2026")
    message = enqueue_rendered(kind="test", recipient="a@example.org",
                               subject="Your talk at LSOS 2026", body_text="x", body_html="x",
                               event=event)
    assert message.subject == "Your talk at LSOS 2026"
    db.session.rollback()
    assert db.session.execute(db.select(OutboxMessage)).scalars().all() == []


# --- Names the system creates -----------------------------------------------------------------


@pytest.mark.parametrize(("language", "entrance", "speaker"), [
    ("pl", "Wejście główne", "Prelegent"), ("en", "Main entrance", "Speaker")])
def test_system_made_names_fall_back_to_the_events_default_language(
        app, make_event, language, entrance, speaker):
    from conference.services.cfp.decisions import speaker_ticket_type

    event = make_event(language=language)  # in Polish and English, ``language`` the default
    with app.test_request_context(headers={"Accept-Language": "de"}):  # reader's language
        assert [c.name.in_language("de", language) for c in ensure_checkpoints(event)] == [
            entrance]
        assert speaker_ticket_type(event).name.in_language("de", language) == speaker
    db.session.commit()
    assert db.session.execute(db.select(TicketType.name)).scalar_one().exact(language) == speaker


def test_new_events_are_polish_and_the_organizers_can_choose(app, make_user, login,
                                                             make_event):
    admin = make_user(Role.ORGANIZER, superuser=True)
    client = app.test_client()
    login(client, admin)
    event = make_event()
    assert event.language == "pl"
    page = _text(client.get(f"/manage/{event.slug}/edit"))
    assert 'name="language"' in page and "Default language" in page


def test_language_form_field_refuses_unknown_languages(app, make_user, login, make_event):
    admin = make_user(Role.ORGANIZER, superuser=True)
    client = app.test_client()
    login(client, admin)
    event = make_event()
    data = {"name": event.name, "slug": event.slug, "starts_on": "2026-05-12",
            "ends_on": "2026-05-13", "timezone": "Europe/Warsaw", "status": "published",
            "languages": ["pl", "en"]}
    url = f"/manage/{event.slug}/edit"
    response = client.post(url, data={**data, "language": "xx"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(event), event.id).language == "pl"
    response = client.post(url, data={**data, "language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(event), event.id).language == "en"


def test_daily_rule_filter_finds_a_second_day_arrival(desk, door, make_registration):
    user, gate = door
    desk.event.checkin_rule = CheckinRule.DAILY
    db.session.commit()
    registration = make_registration(desk.event, email="twice@example.org")
    _enter(desk.event, gate, registration, user)
    _enter(desk.event, gate, registration, user, at=DAY_ONE + dt.timedelta(days=1))
    page = _text(desk.client.get(_url(desk, "/registrations?checked_in=2026-05-13")))
    assert "twice@example.org" in page
    assert page.count("/2026, 0") >= 2  # both entries in the column
