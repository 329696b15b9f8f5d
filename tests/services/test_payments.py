"""Payments, first slice: transfer references, bank details, orders opened with registrations,
and the payment QR codes read back with a real decoder."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from conference.extensions import db
from conference.models import (
    DeadlineAction,
    Order,
    OrderState,
    PaymentStatus,
    Registration,
    RegistrationState,
)
from conference.services.payments import orders
from conference.services.payments import reference as references
from conference.services.payments.bank_account import (
    InvalidBankDetails,
    bank_transfer_settings,
    save_bank_transfer,
)
from conference.services.payments.methods import METHODS, payment_instructions
from conference.services.payments.qr import epc_payload, payment_qr_png, zbp_payload
from conference.services.registration import seats
from conference.services.registration.core import (
    AlreadyRegistered,
    cancel,
    change_ticket_type,
    set_payment_status,
)
from conference.services.registration.payment import FREE, payment_state

#: A real, valid Polish IBAN (the textbook example) and its bank's BIC.
PL_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
PL_IBAN_WRONG_CHECK = "PL62 1090 1014 0000 0712 1981 2874"
DE_IBAN = "DE89 3704 0044 0532 0130 00"
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _decode(png: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    return code.text


@pytest.fixture
def bank_event(make_event):
    event = make_event()
    save_bank_transfer(event, payee_name="Fundacja LifeScience Kraków", iban=PL_IBAN,
                       bank_name="Santander Bank Polska", bic="WBKPPLPP", deadline_days=7)
    db.session.commit()
    return event


# --- Transfer references ---------------------------------------------------------------------


def test_a_reference_is_short_typable_and_has_a_valid_check_character():
    for _ in range(200):
        reference = references.random_reference()
        assert re.fullmatch(r"LSOS-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", reference)
        assert not set(reference[5:]) & set("01OIL")
        assert references.is_valid(reference[5:].replace("-", ""))


def test_references_are_random_not_sequential():
    made = [references.random_reference() for _ in range(500)]
    assert len(set(made)) == 500
    assert made != sorted(made)


def test_the_check_character_catches_every_single_typo_and_every_swap_of_neighbours():
    code = "7K4MQ"
    good = code + references.check_character(code)
    for position, char in itertools.product(range(6), references.ALPHABET):
        typo = good[:position] + char + good[position + 1:]
        assert references.is_valid(typo) == (typo == good)
    for position in range(5):
        swapped = good[:position] + good[position + 1] + good[position] + good[position + 2:]
        if swapped != good:
            assert not references.is_valid(swapped)


@pytest.mark.parametrize("title", [
    "{ref}",
    "{lower}",
    "Oplata za konferencje {spaced} Jan Kowalski",
    "{nodash}",
    "FV/2026/11 {lower_nodash}, dziekuje",
    "ref:{ref}.",
    "  {dotted}  ",
])
def test_normalise_reference_finds_the_reference_in_a_mangled_transfer_title(title):
    reference = references.random_reference()
    body = reference[5:].replace("-", "")
    text = title.format(ref=reference, lower=reference.lower(),
                        spaced=f"lsos {body[:2]} {body[2:4]} {body[4:]}",
                        nodash=reference.replace("-", ""),
                        lower_nodash=reference.replace("-", "").lower(),
                        dotted=".".join(reference.split("-")))
    assert references.normalise_reference(text) == reference


def test_normalise_reference_refuses_a_typo_and_text_without_a_reference():
    reference = references.random_reference()
    wrong_char = next(c for c in references.ALPHABET if c != reference[-1])
    assert references.normalise_reference(reference[:-1] + wrong_char) is None
    assert references.normalise_reference("Payment for the conference, Jan Kowalski") is None
    assert references.normalise_reference("") is None
    assert references.normalise_reference(None) is None


def test_normalise_reference_skips_a_false_start_before_the_real_reference():
    reference = references.random_reference()
    assert references.normalise_reference(f"LSOS 2026 {reference}") == reference


def test_a_new_reference_is_never_one_already_used_in_the_event(
        app, monkeypatch, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    taken = sign_up(bank_event, ticket, now=NOW).order.reference
    fresh = references.random_reference()
    candidates = iter([taken, taken, fresh])
    monkeypatch.setattr(references, "random_reference", lambda: next(candidates))
    assert orders.new_reference(bank_event) == fresh


# --- Bank details ----------------------------------------------------------------------------


def test_bank_details_are_stored_in_electronic_form(app, bank_event):
    settings = bank_transfer_settings(bank_event)
    assert settings.iban == "PL61109010140000071219812874"
    assert settings.bic == "WBKPPLPP"
    assert settings.deadline_days == 7
    assert settings.deadline_action is DeadlineAction.CANCEL


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"iban": PL_IBAN_WRONG_CHECK}, "iban", "check digits"),
    ({"iban": "PL61 1090 1014"}, "iban", "not a valid IBAN"),
    ({"iban": "not an account"}, "iban", "not a valid IBAN"),
    ({"bic": "WBKP"}, "bic", "SWIFT/BIC"),
    ({"bic": "WBKPXXPP"}, "bic", "SWIFT/BIC"),
    ({"payee_name": "   "}, "payee_name", "payee"),
    ({"deadline_days": 0}, "deadline_days", "between 1 and"),
    ({"deadline_days": 400}, "deadline_days", "between 1 and"),
])
def test_wrong_bank_details_are_refused_naming_the_field_and_nothing_changes(
        app, bank_event, changes, field, message):
    values = {"payee_name": "Other Payee", "iban": DE_IBAN, "bic": "COBADEFFXXX",
              "deadline_days": 10, **changes}
    with pytest.raises(InvalidBankDetails) as caught:
        save_bank_transfer(bank_event, **values)
    assert caught.value.details["field"] == field
    assert message in caught.value.message
    db.session.rollback()
    settings = bank_transfer_settings(bank_event)
    assert (settings.payee_name, settings.iban) == ("Fundacja LifeScience Kraków",
                                                    "PL61109010140000071219812874")


# --- Orders ----------------------------------------------------------------------------------


def test_a_paid_registration_gets_an_order_of_one_with_a_reference_and_a_due_date(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"), currency="PLN")
    registration = sign_up(bank_event, ticket, who={"first_name": "Ewa", "last_name": "Nowak",
                                                   "organization": "Selvita"}, now=NOW)
    order = registration.order
    assert order is not None and order.registrations == [registration]
    assert (order.amount, order.currency, order.state) == (Decimal("250.00"), "PLN",
                                                           OrderState.UNPAID)
    assert (order.payer_name, order.payer_email, order.payer_organization) == (
        "Ewa Nowak", registration.email, "Selvita")
    assert references.normalise_reference(order.reference) == order.reference
    # Seven days after 2 March, to the end of that day in Warsaw (UTC+1 in March).
    assert order.due_at == dt.datetime(2026, 3, 9, 22, 59, 59, 999999, tzinfo=dt.UTC)
    assert order.created_at == NOW


def test_without_bank_settings_the_order_is_due_in_fourteen_days_and_has_no_instructions(
        app, make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, price=Decimal("100.00"))
    order = sign_up(event, ticket, now=NOW).order
    assert order.due_at.astimezone(event.tz).date() == dt.date(2026, 3, 16)
    assert payment_instructions(order) is None


def test_free_tickets_get_no_order_and_read_as_free_not_unpaid(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=0)
    registration = sign_up(bank_event, ticket, now=NOW)
    assert registration.order is None
    assert payment_state(registration) == FREE
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_the_order_is_written_in_the_same_transaction_as_the_registration(
        app, bank_event, make_ticket_type, sign_up, monkeypatch):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))

    def mail_fails(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(seats, "notify", mail_fails)
    with pytest.raises(RuntimeError):
        sign_up(bank_event, ticket, now=NOW)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_a_refused_registration_leaves_no_order(app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    sign_up(bank_event, ticket, who={"email": "twice@example.org"}, now=NOW)
    with pytest.raises(AlreadyRegistered):
        sign_up(bank_event, ticket, who={"email": "twice@example.org"}, now=NOW)
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1


def test_marking_paid_or_waived_by_hand_moves_the_order_and_ends_the_payment_request(
        app, bank_event, make_ticket_type, sign_up, make_user):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    registration = sign_up(bank_event, ticket, now=NOW)
    organizer = make_user()
    assert payment_instructions(registration.order) is not None
    set_payment_status(registration, PaymentStatus.PAID, by_user=organizer)
    assert registration.order.state is OrderState.PAID
    assert payment_instructions(registration.order) is None
    set_payment_status(registration, PaymentStatus.WAIVED, by_user=organizer)
    assert registration.order.state is OrderState.FREE


def test_find_order_matches_a_mangled_title_within_the_event_only(
        app, bank_event, make_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    order = sign_up(bank_event, ticket, now=NOW).order
    title = "przelew " + order.reference.replace("-", " ").lower()
    assert orders.find_order(bank_event, title) == order
    assert orders.find_order(make_event(), title) is None


# --- Payment methods and QR codes --------------------------------------------------------------


def test_bank_transfer_is_a_registered_method_giving_the_instructions(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    order = sign_up(bank_event, ticket, now=NOW).order
    assert order.method in METHODS
    pay = METHODS[order.method].instructions(order)
    assert (pay.payee_name, pay.iban_grouped, pay.bank_name, pay.bic, pay.reference) == (
        "Fundacja LifeScience Kraków", "PL61 1090 1014 0000 0712 1981 2874",
        "Santander Bank Polska", "WBKPPLPP", order.reference)
    assert pay.qr_codes == ("zbp",)


def test_the_zbp_code_decodes_to_every_field_of_the_polish_standard(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("1250.50"), currency="PLN")
    order = sign_up(bank_event, ticket, now=NOW).order
    text = _decode(payment_qr_png(payment_instructions(order), "zbp"))
    fields = text.split("|")
    assert len(fields) == 9
    nip, country, account, amount, name, title, *reserved = fields
    assert nip == ""
    assert country == "PL"
    assert account == "61109010140000071219812874" and len(account) == 26
    assert amount == "125050"
    assert name == "Fundacja LifeScience"  # cut to 20 characters
    assert title == order.reference
    assert reserved == ["", "", ""]
    assert payment_qr_png(payment_instructions(order), "epc") is None


def test_the_epc_code_decodes_to_every_field_of_a_sepa_transfer(
        app, make_event, make_ticket_type, sign_up):
    event = make_event()
    save_bank_transfer(event, payee_name="Life Science Cluster Krakow", iban=DE_IBAN,
                       bic="COBADEFFXXX")
    db.session.commit()
    ticket = make_ticket_type(event, price=Decimal("120.00"), currency="EUR")
    order = sign_up(event, ticket, now=NOW).order
    pay = payment_instructions(order)
    assert pay.qr_codes == ("epc",)
    lines = _decode(payment_qr_png(pay, "epc")).split("\n")
    assert lines == ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Life Science Cluster Krakow",
                     "DE89370400440532013000", "EUR120.00", "", "", order.reference]
    assert zbp_payload(pay) is None


def test_no_zbp_code_for_amounts_its_six_digits_cannot_hold(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("10000.00"))
    pay = payment_instructions(sign_up(bank_event, ticket, now=NOW).order)
    assert zbp_payload(pay) is None
    assert epc_payload(pay) is None


def test_waitlisted_registrations_are_not_asked_to_pay_yet(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"), capacity=1)
    sign_up(bank_event, ticket, now=NOW)
    waiting = sign_up(bank_event, ticket, now=NOW)
    assert waiting.state is RegistrationState.WAITLISTED
    assert waiting.order is not None and waiting.order.state is OrderState.UNPAID


# --- Orders following the registration ---------------------------------------------------------


def test_cancelling_an_unpaid_registration_cancels_its_order(
        app, bank_event, make_ticket_type, sign_up):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    registration = sign_up(bank_event, ticket, now=NOW)
    cancel(registration, now=NOW)
    assert registration.order.state is OrderState.CANCELLED
    assert payment_instructions(registration.order) is None


def test_cancelling_a_paid_registration_keeps_the_order_paid(
        app, bank_event, make_ticket_type, sign_up, make_user):
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    registration = sign_up(bank_event, ticket, now=NOW)
    set_payment_status(registration, PaymentStatus.PAID, by_user=make_user())
    cancel(registration, now=NOW)
    assert registration.order.state is OrderState.PAID


def test_moving_to_another_ticket_type_follows_its_price(
        app, bank_event, make_ticket_type, sign_up, make_user):
    standard = make_ticket_type(bank_event, price=Decimal("250.00"))
    student = make_ticket_type(bank_event, price=Decimal("120.00"))
    free = make_ticket_type(bank_event, price=0)
    organizer = make_user()
    registration = sign_up(bank_event, standard, now=NOW)
    order = registration.order
    change_ticket_type(registration, student, by_user=organizer, now=NOW)
    assert (order.amount, order.state) == (Decimal("120.00"), OrderState.UNPAID)
    change_ticket_type(registration, free, by_user=organizer, now=NOW)
    assert order.state is OrderState.FREE
    assert payment_instructions(order) is None


def test_a_free_registration_moved_onto_a_paid_ticket_stays_waived(
        app, bank_event, make_ticket_type, sign_up, make_user):
    free = make_ticket_type(bank_event, price=0)
    paid = make_ticket_type(bank_event, price=Decimal("250.00"))
    registration = sign_up(bank_event, free, now=NOW)
    change_ticket_type(registration, paid, by_user=make_user(), now=NOW)
    assert registration.order is None
    assert registration.payment_status is PaymentStatus.WAIVED


def test_registrations_made_before_payments_get_their_orders_once(
        app, make_event, make_ticket_type, make_registration):
    event = make_event()
    paid = make_ticket_type(event, price=Decimal("250.00"))
    free = make_ticket_type(event, price=0)
    owing = make_registration(event, paid, payment_status=PaymentStatus.UNPAID)
    make_registration(event, paid, payment_status=PaymentStatus.PAID)
    make_registration(event, free, payment_status=PaymentStatus.WAIVED)
    make_registration(event, paid, payment_status=PaymentStatus.UNPAID,
                      state=RegistrationState.CANCELLED)
    assert orders.open_missing_orders(event, now=NOW) == 1
    db.session.commit()
    assert owing.order is not None and owing.order.amount == Decimal("250.00")
    assert orders.open_missing_orders(event, now=NOW) == 0


def test_an_attendee_with_an_unpaid_ticket_who_becomes_a_speaker_is_not_asked_to_pay(
        app, bank_event, make_ticket_type, sign_up, make_cfp, make_proposal):
    from conference.models import DecisionKind
    from conference.services.cfp import decisions

    make_cfp(bank_event)
    ticket = make_ticket_type(bank_event, price=Decimal("250.00"))
    registration = sign_up(bank_event, ticket, who={"email": "maria@example.org"}, now=NOW)
    proposal = make_proposal(bank_event, email="maria@example.org")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(bank_event, [proposal])
    decisions.confirm_participation(proposal)
    db.session.commit()
    assert registration.payment_status is PaymentStatus.WAIVED
    assert registration.order.state is OrderState.FREE
    assert payment_instructions(registration.order) is None
