"""The attendee's rights: a copy of their data, and erasure by confirmed request."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest

from conference.extensions import db
from conference.models import ErasureState, OutboxMessage, Registration
from conference.services.privacy.errors import (
    ErasureLinkExpired,
    ErasureLinkUnknown,
    ErasureLinkUsed,
    ErasureNotOpen,
    InvalidHoldReason,
)
from conference.services.privacy.rights import (
    complete_due_erasures,
    complete_erasure,
    confirm_erasure,
    export_personal_data,
    hold_erasure,
    request_erasure,
)

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def person(make_event, make_registration):
    event = make_event()
    return make_registration(event, first_name="Marta", last_name="Lis",
                             email="marta@example.org", phone="+48 500 600 700")


def _secret(kind: str = "privacy.erasure_confirm") -> str:
    message = db.session.query(OutboxMessage).filter_by(kind=kind).order_by(
        OutboxMessage.id.desc()).first()
    return re.search(r"/erasure/([\w-]+)", message.body_text).group(1)


def _kinds() -> list[str]:
    return [m.kind for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id)]


def _confirmed(person):
    request_erasure(person, NOW)
    db.session.commit()
    request = confirm_erasure(person.event, _secret(), NOW + dt.timedelta(hours=1))
    db.session.commit()
    return request


def test_download_holds_data_json_and_the_badge(person):
    data = export_personal_data(person)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        rows = json.loads(archive.read("data.json"))
    assert {"data.json", "badge.pdf"} <= names
    assert rows["registration"]["email"] == "marta@example.org"
    assert rows["registration"]["phone"] == "+48 500 600 700"
    assert "consents" in rows and "check_ins" in rows and "emails" in rows


def test_request_sends_a_confirmation_link_and_changes_nothing_yet(person):
    request = request_erasure(person, NOW)
    db.session.commit()
    assert request.state is ErasureState.UNCONFIRMED
    assert _kinds() == ["privacy.erasure_confirm"]
    assert person.first_name == "Marta"


def test_confirming_makes_it_pending_and_tells_the_attendee(person):
    request = _confirmed(person)
    assert request.state is ErasureState.PENDING
    assert request.due_at == NOW + dt.timedelta(hours=1, days=14)
    assert _kinds()[-1] == "privacy.erasure_pending"


def test_a_link_used_twice_says_so(person):
    _confirmed(person)
    secret = _secret()
    with pytest.raises(ErasureLinkUsed):
        confirm_erasure(person.event, secret, NOW + dt.timedelta(hours=2))


def test_an_expired_link_says_so(person):
    request_erasure(person, NOW)
    db.session.commit()
    with pytest.raises(ErasureLinkExpired):
        confirm_erasure(person.event, _secret(), NOW + dt.timedelta(hours=49))


@pytest.mark.parametrize("secret", ["", "x" * 32, "x" * 500, "../../etc"])
def test_an_unknown_link_says_so(person, secret):
    with pytest.raises(ErasureLinkUnknown):
        confirm_erasure(person.event, secret, NOW)


def test_asking_again_replaces_the_unconfirmed_link(person):
    request_erasure(person, NOW)
    db.session.commit()
    old = _secret()
    request_erasure(person, NOW)
    db.session.commit()
    with pytest.raises(ErasureLinkUnknown):
        confirm_erasure(person.event, old, NOW)
    assert confirm_erasure(person.event, _secret(), NOW).state is ErasureState.PENDING


def test_organizer_completes_it_and_the_person_is_anonymised_and_told(person):
    request = _confirmed(person)
    complete_erasure(request, now=NOW)
    db.session.commit()
    db.session.expire_all()
    registration = db.session.get(Registration, person.id)
    assert registration.anonymised_at is not None and registration.email != "marta@example.org"
    last = db.session.query(OutboxMessage).order_by(OutboxMessage.id.desc()).first()
    assert last.kind == "privacy.erasure_completed" and last.recipient == "marta@example.org"
    # Earlier mail to the person is blanked.
    assert all(m.recipient == "" for m in db.session.query(OutboxMessage)
               if m.kind != "privacy.erasure_completed")


def test_hold_needs_a_reason_and_tells_the_attendee(person):
    request = _confirmed(person)
    with pytest.raises(InvalidHoldReason):
        hold_erasure(request, "  ", user=None)
    with pytest.raises(InvalidHoldReason):
        hold_erasure(request, "x" * 501, user=None)
    hold_erasure(request, "Invoice FV/12/2026 must be kept for 5 years", user=None)
    db.session.commit()
    assert request.state is ErasureState.HELD
    assert _kinds()[-1] == "privacy.erasure_held"


def test_a_pending_request_completes_itself_when_due_but_a_held_one_does_not(
        person, make_registration):
    request = _confirmed(person)
    other = make_registration(person.event)
    held = _confirmed(other)
    hold_erasure(held, "Invoice issued", user=None)
    db.session.commit()
    assert complete_due_erasures(NOW + dt.timedelta(days=13)) == 0
    assert complete_due_erasures(NOW + dt.timedelta(days=15)) == 1
    assert request.state is ErasureState.COMPLETED
    assert held.state is ErasureState.HELD


def test_an_unconfirmed_request_cannot_be_completed(person):
    request = request_erasure(person, NOW)
    with pytest.raises(ErasureNotOpen):
        complete_erasure(request, now=NOW)


# --- A held request and the retention end --------------------------------------------------

def test_the_held_email_says_the_data_goes_anyway_at_the_retention_end(person):
    from conference.services.privacy.retention import anonymise_due_at

    request = _confirmed(person)
    hold_erasure(request, "Invoice FV/12/2026 must be kept", user=None)
    db.session.commit()
    held = db.session.query(OutboxMessage).filter_by(kind="privacy.erasure_held").one()
    end = anonymise_due_at(person.event).astimezone(person.event.tz)
    assert "anonymised on" in held.body_text and end.strftime("%Y") in held.body_text
    assert "invoices are kept" in held.body_text and "invoices are kept" in held.body_html


def test_the_retention_run_anonymises_a_held_request_and_completes_it(person):
    from conference.services.privacy.anonymise import anonymise
    from conference.services.privacy.retention import anonymise_due_at

    request = _confirmed(person)
    hold_erasure(request, "Invoice issued", user=None)
    db.session.commit()
    end = anonymise_due_at(person.event)
    anonymise(person.event, end)
    db.session.expire_all()
    registration = db.session.get(Registration, person.id)
    assert registration.anonymised_at == end and registration.last_name == ""
    assert request.state is ErasureState.COMPLETED and request.completed_at == end


def test_the_retention_run_keeps_the_invoice_of_a_held_request(invoicing_event,
                                                               invoiced_order):
    from conference.models import BillingDetails, Invoice
    from conference.services.invoicing.issue import issue_proforma
    from conference.services.privacy.anonymise import anonymise

    event = invoicing_event()
    buyer = invoiced_order(event, first_name="Ewa", last_name="Faktura",
                           email="ewa@faktura.example")
    invoice = issue_proforma(buyer.order)
    db.session.commit()
    printed = dict(invoice.data)
    request = _confirmed(buyer)
    hold_erasure(request, "Invoice issued", user=None)
    db.session.commit()
    anonymise(event, early=True)
    db.session.expire_all()
    assert db.session.get(Registration, buyer.id).email.endswith("@anonymised.invalid")
    kept = db.session.get(Invoice, invoice.id)
    assert kept.buyer_name == "Instytut Biologii Molekularnej PAN"
    assert kept.data == printed
    assert db.session.get(BillingDetails, buyer.order_id).tax_id


def test_download_holds_the_invoices_of_their_order(invoicing_event, invoiced_order):
    from conference.services.invoicing.issue import issue_proforma

    event = invoicing_event()
    buyer = invoiced_order(event)
    invoice = issue_proforma(buyer.order)
    db.session.commit()
    with zipfile.ZipFile(io.BytesIO(export_personal_data(buyer))) as archive:
        names = archive.namelist()
        pdf = archive.read(next(n for n in names if n.startswith("invoices/")))
    assert pdf.startswith(b"%PDF")
    assert any(invoice.number.replace("/", "-") in name for name in names)
