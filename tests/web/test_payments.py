"""Payment pages: the organizers' bank-transfer settings, the instructions on the private page
and in the confirmation email, and the payment QR codes behind the private link."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from conference.extensions import db
from conference.models import BankTransferSettings, DeadlineAction, Registration, Role
from conference.services.messaging.outbox import deliver_pending
from conference.services.payments.bank_account import save_bank_transfer
from tests.web.test_registration import form_data

PL_IBAN = "PL61 1090 1014 0000 0712 1981 2874"


def _settings_form(**changes) -> dict:
    data = {"payee_name": "Fundacja LifeScience Kraków", "iban": PL_IBAN,
            "bank_name": "Santander Bank Polska", "bic": "wbkp plpp", "deadline_days": "10",
            "deadline_action": "flag"}
    data.update(changes)
    return data


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S))


def _settings(event) -> BankTransferSettings | None:
    db.session.expire_all()
    return db.session.get(BankTransferSettings, event.id)


@pytest.fixture
def paid_event(make_event, make_ticket_type):
    event = make_event(slug="paid-event")
    save_bank_transfer(event, payee_name="Fundacja LifeScience Kraków", iban=PL_IBAN,
                       bank_name="Santander Bank Polska", bic="WBKPPLPP", deadline_days=7)
    db.session.commit()
    return event


def _register(client, event, ticket, **overrides) -> Registration:
    response = client.post(f"/e/{event.slug}/register", data=form_data(ticket, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    token = response.headers["Location"].split("/r/")[1].split("/")[0]
    return db.session.execute(db.select(Registration).filter_by(token=token)).scalar_one()


# --- Settings page ---------------------------------------------------------------------------


def test_an_organizer_saves_the_bank_transfer_settings(client, make_event, make_user, login):
    event = make_event(slug="bank")
    login(client, make_user(Role.ORGANIZER, events=[event]))
    assert client.get("/manage/bank/").get_data(as_text=True).count(
        "/manage/bank/payments/bank-transfer") == 1
    assert client.get("/manage/bank/payments/bank-transfer").status_code == 200
    response = client.post("/manage/bank/payments/bank-transfer", data=_settings_form())
    assert response.status_code == 302
    settings = _settings(event)
    assert (settings.payee_name, settings.iban, settings.bic, settings.deadline_days,
            settings.deadline_action) == ("Fundacja LifeScience Kraków",
                                          "PL61109010140000071219812874", "WBKPPLPP", 10,
                                          DeadlineAction.FLAG)
    html = client.get("/manage/bank/payments/bank-transfer").get_data(as_text=True)
    assert 'value="PL61109010140000071219812874"' in html
    assert re.search(r'<option selected value="flag">|<option value="flag" selected', html)


@pytest.mark.parametrize(("changes", "message"), [
    ({"iban": "PL62 1090 1014 0000 0712 1981 2874"}, "check digits are wrong"),
    ({"iban": "12345"}, "not a valid IBAN"),
    ({"iban": ""}, "This field is required."),
    ({"bic": "WBKPXXPP"}, "not a valid SWIFT/BIC"),
    ({"payee_name": ""}, "This field is required."),
    ({"deadline_days": "0"}, "between 1 and 365"),
    ({"deadline_days": "soon"}, "Not a valid integer value."),
    ({"deadline_action": "explode"}, "Not a valid choice."),
])
def test_bad_bank_details_give_a_form_error_and_keep_the_saved_settings(
        client, paid_event, make_user, login, changes, message):
    login(client, make_user(Role.ORGANIZER, events=[paid_event]))
    response = client.post("/manage/paid-event/payments/bank-transfer",
                           data=_settings_form(**{"payee_name": "Someone Else",
                                                  "iban": "DE89 3704 0044 0532 0130 00",
                                                  **changes}))
    assert response.status_code == 400
    assert message in _errors(response)
    settings = _settings(paid_event)
    assert (settings.payee_name, settings.iban) == ("Fundacja LifeScience Kraków",
                                                    "PL61109010140000071219812874")


def test_only_the_events_organizers_reach_the_settings(client, make_event, make_user, login):
    event = make_event(slug="bank")
    url = "/manage/bank/payments/bank-transfer"
    assert client.get(url).status_code == 302  # to the login page
    login(client, make_user(Role.ORGANIZER))  # an organizer of other events
    assert client.get(url).status_code == 403
    assert client.post(url, data=_settings_form()).status_code == 403
    client.post("/logout")
    login(client, make_user(Role.DOOR, events=[event]))
    assert client.get(url).status_code == 403
    assert _settings(event) is None


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_settings_posted_without_the_csrf_token_are_refused(self, client, make_event,
                                                                make_user):
        event = make_event(slug="bank")
        user = make_user(Role.ORGANIZER, events=[event])
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                    "csrf_token": token})
        response = client.post("/manage/bank/payments/bank-transfer", data=_settings_form())
        assert response.status_code == 400
        assert _settings(event) is None


# --- Private page and QR codes -----------------------------------------------------------------


def test_the_private_page_shows_how_to_pay(client, paid_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), currency="PLN")
    registration = _register(client, paid_event, ticket)
    reference = registration.order.reference
    html = client.get(f"/e/paid-event/r/{registration.token}/").get_data(as_text=True)
    assert "How to pay" in html
    for shown in ("PL61 1090 1014 0000 0712 1981 2874", "Fundacja LifeScience Kraków",
                  "Santander Bank Polska", "WBKPPLPP", reference, "PLN\u00a0250.00"):
        assert shown in html
    due = registration.order.due_at.astimezone(paid_event.tz)
    assert f"{due.day} {due:%b} {due.year}" in html
    assert f"/e/paid-event/r/{registration.token}/pay/zbp.png" in html
    assert "/pay/epc.png" not in html


def test_the_private_page_of_a_free_ticket_asks_for_nothing(client, paid_event,
                                                            make_ticket_type):
    ticket = make_ticket_type(paid_event, price=0)
    registration = _register(client, paid_event, ticket)
    assert registration.order is None
    html = client.get(f"/e/paid-event/r/{registration.token}/").get_data(as_text=True)
    assert "How to pay" not in html
    assert client.get(f"/e/paid-event/r/{registration.token}/pay/zbp.png").status_code == 404


def test_the_payment_qr_decodes_and_is_never_cached(client, paid_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), currency="PLN")
    registration = _register(client, paid_event, ticket)
    response = client.get(f"/e/paid-event/r/{registration.token}/pay/zbp.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert code.text == (f"|PL|61109010140000071219812874|025000|Fundacja LifeScience|"
                         f"{registration.order.reference}|||")


def test_the_payment_qr_is_404_for_another_token_event_or_kind(
        client, paid_event, make_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), currency="PLN")
    registration = _register(client, paid_event, ticket)
    other = make_event(slug="other-event")
    token = registration.token
    forged = token[:-1] + ("y" if token.endswith("x") else "x")  # never the real token
    for url in (f"/e/paid-event/r/{forged}/pay/zbp.png",
                "/e/paid-event/r/not-a-token/pay/zbp.png",
                f"/e/other-event/r/{token}/pay/zbp.png",
                f"/e/paid-event/r/{token}/pay/epc.png",
                f"/e/paid-event/r/{token}/pay/../badge.png",
                f"/e/paid-event/r/{token}/pay/bitcoin.png"):
        assert client.get(url).status_code == 404, url
    assert other.id


# --- Email ---------------------------------------------------------------------------------------


def test_the_confirmation_email_carries_the_payment_instructions(
        client, smtp_server, paid_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), currency="PLN")
    registration = _register(client, paid_event, ticket, email="payer@example.org")
    assert deliver_pending().sent == 1
    [message] = smtp_server.to("payer@example.org")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    reference = registration.order.reference
    for body in (text, html):
        for shown in ("PL61 1090 1014 0000 0712 1981 2874", "Fundacja LifeScience Kraków",
                      "Santander Bank Polska", "WBKPPLPP", reference, "250.00"):
            assert shown in body
    assert f"http://localhost/e/paid-event/r/{registration.token}/pay/zbp.png" in html


def test_the_polish_confirmation_email_gives_the_instructions_in_polish(
        client, smtp_server, paid_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), currency="PLN")
    registration = _register(client, paid_event, ticket, email="placi@example.org")
    registration.locale = "pl"
    db.session.commit()
    client.post("/e/paid-event/lost-link", data={"email": "placi@example.org"})
    deliver_pending()
    text = smtp_server.to("placi@example.org")[-1].get_body(("plain",)).get_content()
    assert "Jak zapłacić" in text
    assert "250,00\u00a0zł" in text
    assert registration.order.reference in text


def test_saving_the_settings_gives_earlier_registrations_their_references(
        client, make_event, make_ticket_type, make_registration, make_user, login):
    event = make_event(slug="late-bank")
    ticket = make_ticket_type(event, price=Decimal("250.00"))
    earlier = make_registration(event, ticket)
    assert earlier.order is None
    login(client, make_user(Role.ORGANIZER, events=[event]))
    response = client.post("/manage/late-bank/payments/bank-transfer", data=_settings_form(),
                           follow_redirects=True)
    assert "1 registration that owes money now has its transfer reference." in \
        response.get_data(as_text=True)
    db.session.expire_all()
    reference = db.session.get(Registration, earlier.id).order.reference
    html = client.get(f"/e/late-bank/r/{earlier.token}/").get_data(as_text=True)
    assert reference in html and "PL61 1090 1014 0000 0712 1981 2874" in html


def test_a_waitlisted_registration_gets_no_instructions_nor_qr_until_it_has_a_seat(
        client, paid_event, make_ticket_type):
    ticket = make_ticket_type(paid_event, price=Decimal("250.00"), capacity=1)
    _register(client, paid_event, ticket, email="first@example.org")
    waiting = _register(client, paid_event, ticket, email="second@example.org")
    assert waiting.state.value == "waitlisted"
    html = client.get(f"/e/paid-event/r/{waiting.token}/").get_data(as_text=True)
    assert "How to pay" not in html
    assert client.get(f"/e/paid-event/r/{waiting.token}/pay/zbp.png").status_code == 404
