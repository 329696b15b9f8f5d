"""Invoices: tax ids, amounts "od brutto", issuing on payment, pro-forma, reverse charge,
corrections on cancel, immutability and the organizer's issuer settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import Invoice, InvoiceKind, OrderState, PaymentStatus
from conference.services.invoicing.amounts import line_for, totals_by_rate
from conference.services.invoicing.billing import BillingInput, InvalidBillingDetails
from conference.services.invoicing.issue import (
    AlreadyInvoiced,
    NoBillingDetails,
    invoices_of,
    issue_proforma,
    issue_vat_invoice,
)
from conference.services.invoicing.settings import InvalidIssuer, IssuerInput, save_issuer
from conference.services.invoicing.tax_ids import InvalidTaxId, clean_nip, clean_tax_id
from conference.services.registration.core import cancel, set_payment_status
from tests.fixtures.invoices import BUYER_NIP, FRENCH_VAT, ISSUER, ISSUER_REVERSE_CHARGE, billing

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


# --- Tax ids ---------------------------------------------------------------------------

def test_a_nip_with_dashes_and_prefix_is_normalised_to_ten_digits():
    assert clean_nip("PL 526-025-02-74") == BUYER_NIP


@pytest.mark.parametrize(("value", "reason"), [
    ("5260250275", "checksum"), ("526025027", "format"), ("52602502AB", "format")])
def test_a_wrong_nip_is_refused_with_its_reason(value, reason):
    with pytest.raises(InvalidTaxId) as caught:
        clean_tax_id(value, "PL")
    assert caught.value.details["reason"] == reason


def test_a_french_vat_number_without_prefix_gets_it():
    assert clean_tax_id("40 303 265 045", "FR") == FRENCH_VAT


def test_a_french_vat_number_with_a_wrong_checksum_is_refused():
    with pytest.raises(InvalidTaxId) as caught:
        clean_tax_id("FR41303265045", "FR")
    assert caught.value.details["reason"] == "checksum"


def test_a_german_vat_number_for_a_french_buyer_is_refused():
    with pytest.raises(InvalidTaxId) as caught:
        clean_tax_id("DE136695976", "FR")
    assert caught.value.details["reason"] == "country"


def test_a_tax_id_outside_the_eu_is_kept_as_typed():
    assert clean_tax_id("CHE-116.281.710", "CH") == "CHE-116.281.710"


def test_billing_details_name_the_tax_id_field_when_it_is_wrong(app):
    with pytest.raises(InvalidBillingDetails) as caught:
        billing(tax_id="1234567890")
    assert caught.value.details == {"field": "tax_id", "reason": "checksum"}


def test_billing_details_need_a_company_name(app):
    with pytest.raises(InvalidBillingDetails) as caught:
        billing(company="  ")
    assert caught.value.details["field"] == "company"


# --- Amounts ---------------------------------------------------------------------------

def test_a_gross_price_is_split_half_up_per_line():
    line = line_for("Pass", 1, Decimal("100.00"), "23")
    assert (line.net, line.vat, line.gross) == (Decimal("81.30"), Decimal("18.70"),
                                                Decimal("100.00"))


def test_reverse_charge_charges_the_net_price_without_vat():
    line = line_for("Pass", 2, Decimal("615.00"), "23", reverse_charge=True)
    assert (line.rate, line.net, line.vat, line.gross) == ("np.", Decimal("1000.00"),
                                                           Decimal("0.00"), Decimal("1000.00"))


def test_totals_are_kept_per_rate():
    lines = [line_for("A", 1, Decimal("123.00"), "23"), line_for("B", 1, Decimal("108.00"), "8"),
             line_for("C", 1, Decimal("50.00"), "23")]
    totals = {t.rate: (t.net, t.vat, t.gross) for t in totals_by_rate(lines)}
    assert totals == {"23%": (Decimal("140.65"), Decimal("32.35"), Decimal("173.00")),
                      "8%": (Decimal("100.00"), Decimal("8.00"), Decimal("108.00"))}


# --- Issuing ---------------------------------------------------------------------------

def test_paying_an_order_with_buyer_details_issues_its_vat_invoice(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    set_payment_status(registration, PaymentStatus.PAID, by_user=None)
    [invoice] = invoices_of(registration.order)
    assert invoice.kind is InvoiceKind.VAT
    assert invoice.number == f"FV/{invoice.issued_on.year}/1"
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("500.00"), Decimal("115.00"), Decimal("615.00"))
    assert invoice.data["buyer"]["tax_id"] == BUYER_NIP
    assert invoice.data["payment"]["paid"] is True


def test_paying_an_order_without_buyer_details_issues_nothing(invoicing_event, sign_up):
    event = invoicing_event()
    registration = sign_up(event, event_ticket(event))
    set_payment_status(registration, PaymentStatus.PAID, by_user=None)
    assert invoices_of(registration.order) == []


def event_ticket(event):
    from conference.models import TicketType

    return db.session.execute(db.select(TicketType).where(TicketType.event_id == event.id)
                              ).scalars().first()


def test_an_institution_paying_later_gets_its_vat_invoice_before_paying(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    invoice = issue_vat_invoice(registration.order, now=NOW)
    db.session.commit()
    assert invoice.data["payment"]["paid"] is False
    assert invoice.sale_date == dt.date(2026, 3, 2)
    set_payment_status(registration, PaymentStatus.PAID, by_user=None)
    assert [i.kind for i in invoices_of(registration.order)] == [InvoiceKind.VAT]


def test_a_second_vat_invoice_for_the_same_order_is_refused(invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    issue_vat_invoice(registration.order, now=NOW)
    db.session.commit()
    with pytest.raises(AlreadyInvoiced):
        issue_vat_invoice(registration.order, now=NOW)


def test_an_order_without_buyer_details_gets_no_invoice(invoicing_event, sign_up):
    event = invoicing_event()
    registration = sign_up(event, event_ticket(event))
    with pytest.raises(NoBillingDetails):
        issue_vat_invoice(registration.order, now=NOW)


def test_a_proforma_is_numbered_apart_from_vat_invoices(invoicing_event, invoiced_order):
    event = invoicing_event()
    first = invoiced_order(event)
    issue_vat_invoice(first.order, now=NOW)
    proforma = issue_proforma(invoiced_order(event).order, now=NOW)
    db.session.commit()
    assert proforma.number == "PF/2026/1"
    assert proforma.sale_date is None


def test_asking_twice_for_a_proforma_gives_the_same_one(invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    first = issue_proforma(registration.order, now=NOW)
    db.session.commit()
    assert issue_proforma(registration.order, now=NOW).id == first.id


def test_numbers_run_per_issuer_across_its_events(invoicing_event, invoiced_order):
    one, two = invoicing_event(), invoicing_event()
    numbers = [issue_vat_invoice(invoiced_order(event).order, now=NOW).number
               for event in (one, two, one)]
    assert numbers == ["FV/2026/1", "FV/2026/2", "FV/2026/3"]


def test_another_issuer_starts_its_own_numbers(invoicing_event, invoiced_order):
    one = invoicing_event()
    other = invoicing_event(issuer=IssuerInput(
        legal_name="Uniwersytet", address="Gołębia 24\nKraków", nip=BUYER_NIP,
        place_of_issue="Kraków"))
    issue_vat_invoice(invoiced_order(one).order, now=NOW)
    assert issue_vat_invoice(invoiced_order(other).order, now=NOW).number == "FV/2026/1"


def test_a_new_year_starts_again_at_one(invoicing_event, invoiced_order):
    event = invoicing_event()
    issue_vat_invoice(invoiced_order(event).order, now=NOW)
    later = issue_vat_invoice(invoiced_order(event).order,
                              now=dt.datetime(2027, 1, 2, 9, tzinfo=dt.UTC))
    assert later.number == "FV/2027/1"


def test_a_french_business_attending_in_krakow_pays_polish_vat_by_default(
        invoicing_event, invoiced_order):
    """Admission to an event is taxed where the event takes place (art. 28g(1))."""
    registration = invoiced_order(invoicing_event(), billing(
        company="Institut Pasteur", address="25-28 rue du Docteur Roux\n75015 Paris",
        country="FR", tax_id=FRENCH_VAT, language="en"))
    assert registration.order.amount == Decimal("615.00")
    invoice = issue_vat_invoice(registration.order, now=NOW)
    assert (invoice.data["reverse_charge"], invoice.vat_total, invoice.gross_total) == (
        False, Decimal("115.00"), Decimal("615.00"))


def test_a_french_business_is_invoiced_under_reverse_charge_when_the_issuer_says_so(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event(ISSUER_REVERSE_CHARGE), billing(
        company="Institut Pasteur", address="25-28 rue du Docteur Roux\n75015 Paris",
        country="FR", tax_id=FRENCH_VAT, language="en"))
    assert registration.order.amount == Decimal("500.00")  # the net price is owed
    invoice = issue_vat_invoice(registration.order, now=NOW)
    assert invoice.data["reverse_charge"] is True
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("500.00"), Decimal("0.00"), Decimal("500.00"))
    assert invoice.data["lines"][0]["rate"] == "np."


def test_a_french_buyer_without_a_vat_number_pays_polish_vat(invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event(), billing(
        company="Jean Dupont", address="Paris", country="FR", tax_id="", language="en"))
    invoice = issue_vat_invoice(registration.order, now=NOW)
    assert (invoice.data["reverse_charge"], invoice.gross_total) == (False, Decimal("615.00"))


# --- Corrections and immutability --------------------------------------------------------

def test_cancelling_a_paid_invoiced_registration_issues_a_correcting_invoice(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    set_payment_status(registration, PaymentStatus.PAID, by_user=None)
    [original] = invoices_of(registration.order)
    original_data = dict(original.data)
    cancel(registration)
    original, correction = invoices_of(registration.order)
    assert correction.kind is InvoiceKind.CORRECTION
    assert correction.corrected_invoice_id == original.id
    assert correction.number.startswith("KOR/")
    assert (correction.net_total, correction.vat_total, correction.gross_total) == (
        Decimal("-500.00"), Decimal("-115.00"), Decimal("-615.00"))
    assert correction.data["corrects"]["number"] == original.number
    assert original.data == original_data
    assert registration.order.state is OrderState.PAID  # the refund is the bank's slice


def test_cancelling_an_unpaid_order_without_invoice_issues_no_correction(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    cancel(registration)
    assert invoices_of(registration.order) == []


def test_editing_the_issuer_after_issue_leaves_the_invoice_as_issued(
        invoicing_event, invoiced_order):
    event = invoicing_event()
    invoice = issue_vat_invoice(invoiced_order(event).order, now=NOW)
    db.session.commit()
    save_issuer(event, IssuerInput(legal_name="Renamed Foundation", address="Elsewhere 1",
                                   nip=BUYER_NIP, place_of_issue="Warszawa"))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Invoice, invoice.id)
    assert stored.data["issuer"] == {"name": ISSUER.legal_name, "address": ISSUER.address,
                                     "nip": ISSUER.nip}
    assert stored.data["place_of_issue"] == "Kraków"


# --- Issuer settings ---------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "reason"), [
    ("nip", "1234567890", "checksum"), ("legal_name", "", "required"),
    ("vat_pattern", "FV/{seq}", "pattern"), ("vat_pattern", "FV/{year}/{seq}/{x}", "pattern")])
def test_a_wrong_issuer_field_is_named(make_event, field, value, reason):
    values = {**ISSUER.__dict__, field: value}
    with pytest.raises(InvalidIssuer) as caught:
        save_issuer(make_event(), IssuerInput(**values))
    assert caught.value.details == {"field": field, "reason": reason}


def test_billing_input_is_a_plain_value():
    assert BillingInput("A", "B", "PL").language == "pl"


def test_a_reverse_charge_buyer_moved_to_another_ticket_still_owes_the_net_price(
        invoicing_event, invoiced_order, make_ticket_type):
    from conference.services.registration.core import change_ticket_type

    event = invoicing_event(ISSUER_REVERSE_CHARGE)
    registration = invoiced_order(event, billing(
        company="Institut Pasteur", address="Paris", country="FR", tax_id=FRENCH_VAT))
    workshop = make_ticket_type(event, name="Workshop pass", price=Decimal("246.00"))
    change_ticket_type(registration, workshop, by_user=None)
    assert registration.order.amount == Decimal("200.00")
