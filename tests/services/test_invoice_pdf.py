"""Invoice PDFs read back with pypdf: every field a Polish accountant requires, the sums and
the amount in words, in Polish and in English; reverse charge and correction notes."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from conference.extensions import db
from conference.services.invoicing import pdf as invoice_pdf_module
from conference.services.invoicing.issue import issue_correction, issue_proforma, issue_vat_invoice
from conference.services.invoicing.pdf import invoice_pdf
from conference.services.pdf_files import font_configuration, own_files_fetcher
from tests.fixtures.invoices import (
    BUYER_NIP,
    FRENCH_VAT,
    ISSUER_NIP,
    ISSUER_REVERSE_CHARGE,
    PL_IBAN,
    billing,
)

pytestmark = pytest.mark.pdf

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def pdf_text(invoice) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(
        invoice_pdf(invoice))).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def test_a_polish_vat_invoice_shows_every_required_field_and_the_sums(
        invoicing_event, invoiced_order):
    invoice = issue_vat_invoice(invoiced_order(invoicing_event()).order, now=NOW)
    db.session.commit()
    text = pdf_text(invoice)
    for expected in (
            "Faktura VAT nr FV/2026/1", "Data wystawienia: 2026-03-02",
            "Data sprzedaży: 2026-03-02", "Miejsce wystawienia: Kraków",
            "Fundacja LifeScience Kraków", "ul. Bobrzyńskiego 14", f"NIP: {ISSUER_NIP}",
            "Instytut Biologii Molekularnej PAN", "02-109 Warszawa", f"NIP: {BUYER_NIP}",
            "Full pass", "500,00", "23%", "115,00", "615,00",
            "Do zapłaty: 615,00 PLN",
            "Słownie: sześćset piętnaście złotych, zero groszy",
            "Sposób płatności: Przelew bankowy", "Status płatności: nieopłacona",
            "PL61 1090 1014 0000 0712 1981 2874"):
        assert expected in text, expected
    assert PL_IBAN[:4] == "PL61"


def test_an_english_invoice_is_written_in_english_with_the_polish_amount_in_words(
        invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event(), billing(language="en"))
    invoice = issue_vat_invoice(registration.order, now=NOW)
    db.session.commit()
    text = pdf_text(invoice)
    for expected in ("VAT invoice no. FV/2026/1", "Issue date: 2026-03-02",
                     "Sale date: 2026-03-02", "Seller", "Buyer", "Amount due: 615.00 PLN",
                     "sześćset piętnaście złotych",
                     "six hundred and fifteen zlotys", "Payment method: Bank transfer"):
        assert expected in text, expected


def test_a_french_partner_gets_a_reverse_charge_invoice(invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event(ISSUER_REVERSE_CHARGE), billing(
        company="Institut Pasteur", address="25-28 rue du Docteur Roux\n75015 Paris",
        country="FR", tax_id=FRENCH_VAT, language="en"))
    invoice = issue_vat_invoice(registration.order, now=NOW)
    db.session.commit()
    text = pdf_text(invoice)
    for expected in (f"VAT number: {FRENCH_VAT}", "France", "np.", "Amount due: 500.00 PLN",
                     "odwrotne obciążenie", "reverse charge"):
        assert expected in text, expected
    assert "115.00" not in text


def test_a_correcting_invoice_names_the_corrected_one_and_shows_negative_sums(
        invoicing_event, invoiced_order):
    original = issue_vat_invoice(invoiced_order(invoicing_event()).order, now=NOW)
    correction = issue_correction(original, reason="rezygnacja z udziału", now=NOW)
    db.session.commit()
    text = pdf_text(correction)
    for expected in ("Faktura korygująca nr KOR/2026/1",
                     "Koryguje fakturę VAT nr FV/2026/1 z dnia 2026-03-02",
                     "rezygnacja z udziału", "-500,00", "-115,00", "-615,00",
                     "Do zwrotu: -615,00 PLN"):
        assert expected in text, expected


def test_a_proforma_says_it_is_not_a_vat_invoice(invoicing_event, invoiced_order):
    proforma = issue_proforma(invoiced_order(invoicing_event()).order, now=NOW)
    db.session.commit()
    text = pdf_text(proforma)
    assert "Faktura pro forma nr PF/2026/1" in text
    assert "nie jest fakturą VAT" in text


def test_the_stored_pdf_keeps_the_issuer_it_was_issued_with(invoicing_event, invoiced_order):
    from conference.models import Invoice
    from conference.services.invoicing.settings import IssuerInput, save_issuer

    event = invoicing_event()
    invoice = issue_vat_invoice(invoiced_order(event).order, now=NOW)
    stored = invoice_pdf(invoice)
    db.session.commit()
    save_issuer(event, IssuerInput(legal_name="Renamed Foundation", address="Elsewhere 1",
                                   nip=BUYER_NIP, place_of_issue="Warszawa"))
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Invoice, invoice.id)
    assert invoice_pdf(again) == stored
    assert "Fundacja LifeScience Kraków" in pdf_text(again)


def test_the_invoice_loads_both_its_fonts_through_its_own_files_fetcher(
        invoicing_event, invoiced_order, monkeypatch):
    fetched = []

    def recording_fetcher(scheme, resources):
        fetcher = own_files_fetcher(scheme, resources)
        original = fetcher.fetch

        def fetch(url, headers=None):
            response = original(url, headers)
            fetched.append(url)
            return response

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(invoice_pdf_module, "own_files_fetcher", recording_fetcher)
    font_configuration.cache_clear()  # a font configuration in use fetches a face only once
    invoice = issue_vat_invoice(invoiced_order(invoicing_event()).order, now=NOW)
    db.session.commit()
    invoice_pdf(invoice)
    assert sorted(fetched) == ["invoice-file:font-bold", "invoice-file:font-regular"]
