"""Invoice pages: "I need an invoice" in the registration form (a wrong tax id refuses the
form and saves nothing), the organizers' issuer, list, click-to-issue, corrections, the ZIP
job and the XLSX register, and the attendee's downloads and pro-forma."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conference.extensions import db
from conference.models import Invoice, InvoiceKind, Job, Registration, Role
from conference.services.invoicing.billing import billing_details
from conference.services.invoicing.issue import invoices_of, issue_vat_invoice
from conference.services.invoicing.settings import invoice_settings
from tests.fixtures.invoices import BUYER_NIP, FRENCH_VAT, ISSUER_NIP, ISSUER_REVERSE_CHARGE
from tests.web.test_registration import form_data


def _ticket(event):
    from conference.models import TicketType

    return db.session.execute(db.select(TicketType).where(TicketType.event_id == event.id)
                              ).scalars().first()


def _invoice_fields(**overrides) -> dict:
    data = {"invoice-wants_invoice": "y", "invoice-company": "Instytut Biologii PAN",
            "invoice-address": "ul. Pasteura 3\n02-093 Warszawa", "invoice-country": "PL",
            "invoice-tax_id": BUYER_NIP, "invoice-language": "pl"}
    data.update(overrides)
    return data


def _registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Registration)).scalars())


@pytest.fixture
def organizer_client(client, make_user, login):
    def make(event):
        login(client, make_user(Role.ORGANIZER, events=[event]))
        return client

    return make


# --- Registration form -------------------------------------------------------------------

def test_the_registration_form_offers_an_invoice_for_a_paid_ticket(client, invoicing_event):
    event = invoicing_event()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'name="invoice-tax_id"' in page and "I need an invoice" in page


@pytest.mark.parametrize(("tax_id", "message"), [
    ("526-025-02-75", "check digit does not match"), ("12345", "wrong format")])
def test_a_wrong_nip_refuses_the_registration_naming_the_field(
        client, invoicing_event, tax_id, message):
    event = invoicing_event()
    response = client.post(f"/e/{event.slug}/register", data={
        **form_data(_ticket(event)), **_invoice_fields(**{"invoice-tax_id": tax_id})})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'id="invoice-tax_id-error"' in page
    assert _registrations() == []


def test_registering_with_invoice_details_stores_them_on_the_order(client, invoicing_event):
    event = invoicing_event()
    response = client.post(f"/e/{event.slug}/register", data={
        **form_data(_ticket(event)), **_invoice_fields(**{"invoice-tax_id": "526 025 02 74"})})
    assert response.status_code == 302
    [registration] = _registrations()
    details = billing_details(registration.order)
    assert (details.company, details.tax_id, details.language) == (
        "Instytut Biologii PAN", BUYER_NIP, "pl")


def test_a_french_partner_registering_owes_the_net_price_under_reverse_charge(
        client, invoicing_event):
    event = invoicing_event(ISSUER_REVERSE_CHARGE)
    client.post(f"/e/{event.slug}/register", data={**form_data(_ticket(event)), **_invoice_fields(
        **{"invoice-company": "Institut Pasteur", "invoice-country": "FR",
           "invoice-tax_id": FRENCH_VAT, "invoice-language": "en"})})
    [registration] = _registrations()
    assert registration.order.amount == Decimal("500.00")


def test_asking_for_a_proforma_at_registration_issues_it(client, invoicing_event):
    event = invoicing_event()
    client.post(f"/e/{event.slug}/register", data={
        **form_data(_ticket(event)), **_invoice_fields(**{"invoice-wants_proforma": "y"})})
    [registration] = _registrations()
    assert [i.kind for i in invoices_of(registration.order)] == [InvoiceKind.PROFORMA]


def test_without_the_invoice_box_the_details_are_ignored(client, invoicing_event):
    event = invoicing_event()
    client.post(f"/e/{event.slug}/register", data={
        **form_data(_ticket(event)), **_invoice_fields(**{"invoice-wants_invoice": None,
                                                          "invoice-tax_id": "bad"})})
    [registration] = _registrations()
    assert billing_details(registration.order) is None


# --- Attendee ----------------------------------------------------------------------------

def test_the_attendee_downloads_their_invoice_from_the_private_page(
        client, invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    invoice = issue_vat_invoice(registration.order)
    db.session.commit()
    base = f"/e/{registration.event.slug}/r/{registration.token}"
    page = client.get(f"{base}/").get_data(as_text=True)
    assert invoice.number in page
    response = client.get(f"{base}/invoices/{invoice.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert PdfReader(io.BytesIO(response.data)).pages


def test_another_attendee_cannot_download_someone_elses_invoice(
        client, invoicing_event, invoiced_order):
    event = invoicing_event()
    mine, theirs = invoiced_order(event), invoiced_order(event)
    invoice = issue_vat_invoice(theirs.order)
    db.session.commit()
    url = f"/e/{event.slug}/r/{mine.token}/invoices/{invoice.id}.pdf"
    assert client.get(url).status_code == 404


def test_the_attendee_asks_for_a_proforma_from_the_private_page(
        client, invoicing_event, invoiced_order):
    registration = invoiced_order(invoicing_event())
    base = f"/e/{registration.event.slug}/r/{registration.token}"
    assert "Get a pro-forma invoice" in client.get(f"{base}/").get_data(as_text=True)
    assert client.post(f"{base}/proforma").status_code == 302
    assert [i.number for i in invoices_of(registration.order)] == [
        f"PF/{dt.date.today().year}/1"]


def test_invoice_details_added_after_registering_are_checked(
        client, invoicing_event, sign_up):
    event = invoicing_event()
    registration = sign_up(event, _ticket(event))
    url = f"/e/{event.slug}/r/{registration.token}/invoice-details"
    assert client.get(url).status_code == 200
    fields = {k.removeprefix("invoice-"): v for k, v in _invoice_fields().items()}
    bad = client.post(url, data={**fields, "country": "DE", "tax_id": FRENCH_VAT})
    assert bad.status_code == 400
    assert "belongs to another country" in bad.get_data(as_text=True)
    assert billing_details(registration.order) is None
    assert client.post(url, data=fields).status_code == 302
    assert billing_details(registration.order).tax_id == BUYER_NIP


# --- Organizers --------------------------------------------------------------------------

def test_the_organizer_sets_up_the_issuer(organizer_client, make_event):
    event = make_event()
    client = organizer_client(event)
    data = {"legal_name": "Fundacja LSOS", "address": "ul. Lea 1\nKraków",
            "nip": "677-006-54-06", "place_of_issue": "Kraków", "vat_pattern": "FV/{year}/{seq}",
            "proforma_pattern": "PF/{year}/{seq}", "correction_pattern": "KOR/{year}/{seq}",
            "reverse_charge_eu": "y"}
    bad = client.post(f"/manage/{event.slug}/invoices/issuer", data={**data, "nip": "6770065407"})
    assert bad.status_code == 400 and "NIP is not valid" in bad.get_data(as_text=True)
    assert invoice_settings(event) is None
    assert client.post(f"/manage/{event.slug}/invoices/issuer", data=data).status_code == 302
    assert invoice_settings(event).nip == ISSUER_NIP


def test_the_organizer_issues_the_invoice_of_an_unpaid_institution_order(
        organizer_client, invoicing_event, invoiced_order):
    event = invoicing_event()
    registration = invoiced_order(event)
    client = organizer_client(event)
    page = client.get(f"/manage/{event.slug}/invoices").get_data(as_text=True)
    assert "Issue the VAT invoice now" in page
    response = client.post(f"/manage/{event.slug}/orders/{registration.order.id}/invoice")
    assert response.status_code == 302
    [invoice] = invoices_of(registration.order)
    assert invoice.kind is InvoiceKind.VAT and invoice.data["payment"]["paid"] is False
    download = client.get(f"/manage/{event.slug}/invoices/{invoice.id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_an_invoice_of_another_event_is_not_found(organizer_client, invoicing_event,
                                                  invoiced_order):
    event, other = invoicing_event(), invoicing_event()
    invoice = issue_vat_invoice(invoiced_order(other).order)
    db.session.commit()
    client = organizer_client(event)
    assert client.get(f"/manage/{event.slug}/invoices/{invoice.id}.pdf").status_code == 404


def test_the_organizer_corrects_an_invoice_with_a_reason(organizer_client, invoicing_event,
                                                         invoiced_order):
    event = invoicing_event()
    invoice = issue_vat_invoice(invoiced_order(event).order)
    db.session.commit()
    client = organizer_client(event)
    url = f"/manage/{event.slug}/invoices/{invoice.id}/correct"
    assert client.post(url, data={"reason": ""}).status_code == 400
    assert client.post(url, data={"reason": "duplicate order"}).status_code == 302
    correction = db.session.execute(db.select(Invoice).where(
        Invoice.corrected_invoice_id == invoice.id)).scalar_one()
    assert correction.data["reason"] == "duplicate order"


def _issue_three(event, invoiced_order):
    from tests.fixtures.invoices import billing

    days = [dt.datetime(2026, 3, d, 10, tzinfo=dt.UTC) for d in (2, 15, 31)]
    invoices = []
    for day, buyer in zip(days, [billing(), billing(company="Institut Pasteur", country="FR",
                                                    tax_id=FRENCH_VAT, language="en"),
                                 billing(company="Ryvu")], strict=True):
        invoices.append(issue_vat_invoice(invoiced_order(event, buyer).order, now=day))
    db.session.commit()
    return invoices


def test_the_register_of_a_period_lists_each_invoice_with_sums_per_rate(
        organizer_client, invoicing_event, invoiced_order):
    event = invoicing_event(ISSUER_REVERSE_CHARGE)
    _issue_three(event, invoiced_order)
    client = organizer_client(event)
    response = client.get(f"/manage/{event.slug}/invoices/register.xlsx",
                          query_string={"start": "2026-03-01", "end": "2026-03-20"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:8] == ("Number", "Kind", "Issue date", "Sale date", "Buyer", "Tax id",
                          "Country", "Currency")
    assert [r[0] for r in rows[1:]] == ["FV/2026/1", "FV/2026/2"]
    by_number = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_number["FV/2026/1"]["VAT 23%"] == 115
    assert by_number["FV/2026/1"]["Gross total"] == 615
    assert by_number["FV/2026/2"]["Net np."] == 500
    assert by_number["FV/2026/2"]["VAT total"] == 0
    assert by_number["FV/2026/2"]["Tax id"] == FRENCH_VAT


def test_a_reversed_period_is_refused_with_a_message(organizer_client, make_event):
    event = make_event()
    client = organizer_client(event)
    response = client.get(f"/manage/{event.slug}/invoices",
                          query_string={"start": "2026-03-20", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "must not be before the start" in response.get_data(as_text=True)


@pytest.mark.pdf
def test_the_zip_of_a_period_is_a_job_with_every_pdf_and_the_register(
        organizer_client, invoicing_event, invoiced_order):
    event = invoicing_event()
    first, second, _outside = _issue_three(event, invoiced_order)
    client = organizer_client(event)
    response = client.post(f"/manage/{event.slug}/invoices/zip",
                           data={"start": "2026-03-01", "end": "2026-03-20"})
    [job] = db.session.execute(db.select(Job)).scalars().all()
    assert job.kind == "invoices.zip"
    assert response.headers["Location"] == f"/manage/{event.slug}/jobs/{job.id}/"
    result = client.get(f"/manage/{event.slug}/jobs/{job.id}/result")
    assert result.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(result.data))
    assert sorted(archive.namelist()) == [
        "FV-2026-1.pdf", "FV-2026-2.pdf", "register-2026-03-01_2026-03-20.xlsx"]
    text = PdfReader(io.BytesIO(archive.read("FV-2026-2.pdf"))).pages[0].extract_text()
    assert "Institut Pasteur" in text
    db.session.expire_all()
    assert db.session.get(Invoice, first.id).pdf is not None  # stored on the way


def test_a_period_without_invoices_starts_no_job(organizer_client, invoicing_event):
    event = invoicing_event()
    client = organizer_client(event)
    client.post(f"/manage/{event.slug}/invoices/zip",
                data={"start": "2026-03-01", "end": "2026-03-20"})
    assert db.session.execute(db.select(Job)).scalars().all() == []


def test_invoice_details_given_after_paying_bring_the_vat_invoice(
        client, invoicing_event, sign_up):
    from conference.models import PaymentStatus
    from conference.services.registration.core import set_payment_status

    event = invoicing_event()
    registration = sign_up(event, _ticket(event))
    set_payment_status(registration, PaymentStatus.PAID, by_user=None)
    fields = {k.removeprefix("invoice-"): v for k, v in _invoice_fields().items()}
    client.post(f"/e/{event.slug}/r/{registration.token}/invoice-details", data=fields)
    [invoice] = invoices_of(registration.order)
    assert invoice.kind is InvoiceKind.VAT and invoice.data["payment"]["paid"] is True
