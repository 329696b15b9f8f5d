"""Organizer payment pages and the group order form, through the Flask client."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from conference.extensions import db
from conference.models import (
    BankTransaction,
    Job,
    JobState,
    Order,
    OrderState,
    Registration,
    Role,
    StatementImport,
    TransactionState,
)
from tests.fixtures.payments import mt940_statement


@pytest.fixture
def organizer_client(client, make_user, login, paid_event):
    login(client, make_user(Role.ORGANIZER, events=[paid_event]))
    return client


def _fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S))


def _upload(client, event, data, file_format="mt940", filename="statement.sta"):
    return client.post(f"/manage/{event.slug}/payments/statements",
                       data={"file": (io.BytesIO(data), filename), "file_format": file_format},
                       content_type="multipart/form-data")


# --- Orders ------------------------------------------------------------------------------------


def test_the_order_list_filters_by_payment_state(organizer_client, paid_event, make_order):
    unpaid, paid = make_order(paid_event), make_order(paid_event)
    paid.state = OrderState.PAID
    db.session.commit()
    page = organizer_client.get(f"/manage/{paid_event.slug}/orders?state=unpaid").get_data(
        as_text=True)
    assert unpaid.reference in page and paid.reference not in page


def test_the_order_list_shows_overdue_orders(organizer_client, paid_event, make_order):
    import datetime as dt

    overdue, current = make_order(paid_event), make_order(paid_event)
    overdue.due_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    current.due_at = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    db.session.commit()
    page = organizer_client.get(f"/manage/{paid_event.slug}/orders?state=overdue").get_data(
        as_text=True)
    assert overdue.reference in page and current.reference not in page


def test_the_order_list_finds_a_mangled_reference(organizer_client, paid_event, make_order):
    wanted, other = make_order(paid_event), make_order(paid_event)
    query = wanted.reference.lower().replace("-", " ")
    page = organizer_client.get(f"/manage/{paid_event.slug}/orders",
                                query_string={"q": query}).get_data(as_text=True)
    assert wanted.reference in page and other.reference not in page


def test_mark_paid_with_a_note_shows_in_the_history(organizer_client, paid_event, make_order):
    order = make_order(paid_event)
    response = organizer_client.post(
        f"/manage/{paid_event.slug}/orders/{order.id}/mark-paid",
        data={"amount": "", "method": "cash", "note": "Paid at the desk, receipt 14"})
    assert response.status_code == 302
    assert _fresh(order).state is OrderState.PAID
    page = organizer_client.get(f"/manage/{paid_event.slug}/orders/{order.id}").get_data(
        as_text=True)
    assert "Paid at the desk, receipt 14" in page


@pytest.mark.parametrize("amount", ["-10", "0", "abc", "1.234"])
def test_mark_paid_refuses_a_bad_amount_with_a_message(organizer_client, paid_event,
                                                       make_order, amount):
    order = make_order(paid_event)
    response = organizer_client.post(
        f"/manage/{paid_event.slug}/orders/{order.id}/mark-paid",
        data={"amount": amount, "method": "cash", "note": "x"})
    assert response.status_code == 400 and _errors(response)
    assert _fresh(order).state is OrderState.UNPAID


def test_mark_paid_needs_a_note(organizer_client, paid_event, make_order):
    order = make_order(paid_event)
    response = organizer_client.post(f"/manage/{paid_event.slug}/orders/{order.id}/mark-paid",
                                     data={"amount": "", "method": "cash", "note": ""})
    assert response.status_code == 400


def test_a_refund_is_recorded_and_an_excessive_one_refused(organizer_client, paid_event,
                                                           make_order):
    order = make_order(paid_event)
    url = f"/manage/{paid_event.slug}/orders/{order.id}"
    organizer_client.post(f"{url}/mark-paid", data={"method": "cash", "note": "paid"})
    too_much = organizer_client.post(f"{url}/refund", data={
        "amount": "300", "refunded_on": "2026-03-09", "method": "bank_transfer"})
    assert too_much.status_code == 400 and "250" in _errors(too_much)
    done = organizer_client.post(f"{url}/refund", data={
        "amount": "250,00", "refunded_on": "2026-03-09", "method": "bank_transfer",
        "note": "cannot travel"})
    assert done.status_code == 302
    assert _fresh(order).state is OrderState.REFUNDED


# --- Statements ----------------------------------------------------------------------------


def test_an_uploaded_statement_is_imported_by_a_job_and_pays_the_order(
        organizer_client, paid_event, make_order):
    order = make_order(paid_event)
    response = _upload(organizer_client, paid_event,
                       mt940_statement([("250.00", f"oplata {order.reference.lower()}")]))
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.state is JobState.DONE
    assert _fresh(order).state is OrderState.PAID
    report = organizer_client.get(f"/manage/{paid_event.slug}/jobs/{job.id}/result")
    assert order.reference in report.get_data(as_text=True)


def test_a_broken_statement_fails_its_job_naming_the_line_and_imports_nothing(
        organizer_client, paid_event, make_order):
    order = make_order(paid_event)
    data = mt940_statement([("250.00", order.reference)]).replace(b"C250,00", b"C2x0,00")
    _upload(organizer_client, paid_event, data)
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.state is JobState.FAILED and job.error_message.startswith("Line 5:")
    page = organizer_client.get(f"/manage/{paid_event.slug}/jobs/{job.id}/").get_data(
        as_text=True)
    assert "Line 5:" in page
    assert db.session.scalar(db.select(db.func.count(BankTransaction.id))) == 0
    assert _fresh(order).state is OrderState.UNPAID


def test_the_same_statement_uploaded_twice_is_refused_with_a_message(
        organizer_client, paid_event, make_order):
    data = mt940_statement([("250.00", make_order(paid_event).reference)])
    _upload(organizer_client, paid_event, data)
    again = _upload(organizer_client, paid_event, data)
    assert again.status_code == 400 and "imported already" in _errors(again)
    assert db.session.scalar(db.select(db.func.count(StatementImport.id))) == 1


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b"Data;Kwota\n\x81\x98\n"])
def test_unreadable_files_are_refused_on_the_form(organizer_client, paid_event, data):
    response = _upload(organizer_client, paid_event, data)
    assert response.status_code == 400 and _errors(response)
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_a_polish_csv_is_imported_with_the_saved_mapping(organizer_client, paid_event,
                                                         make_order):
    order = make_order(paid_event)
    response = organizer_client.post(
        f"/manage/{paid_event.slug}/payments/statements/csv-mapping",
        data={"date_column": "Data księgowania", "amount_column": "Kwota",
              "title_column": "Tytuł", "payer_column": "Kontrahent", "default_currency": "pln"})
    assert response.status_code == 302
    data = ("Data księgowania;Kwota;Tytuł;Kontrahent\r\n"
            f"05.03.2026;250,00;{order.reference};Zakład Żółć\r\n").encode("cp1250")
    _upload(organizer_client, paid_event, data, "csv", "wyciag.csv")
    assert _fresh(order).state is OrderState.PAID


def test_a_waiting_credit_is_assigned_by_reference(organizer_client, paid_event, make_order):
    order = make_order(paid_event)
    _upload(organizer_client, paid_event, mt940_statement([("100.00", order.reference)]))
    transaction = db.session.execute(db.select(BankTransaction)).scalar_one()
    page = organizer_client.get(f"/manage/{paid_event.slug}/payments/statements").get_data(
        as_text=True)
    assert "Less than the amount owed" in page
    response = organizer_client.post(
        f"/manage/{paid_event.slug}/payments/transactions/{transaction.id}/assign",
        data={"reference": order.reference.lower()})
    assert response.status_code == 302
    assert _fresh(order).state is OrderState.PARTIALLY_PAID
    assert _fresh(transaction).state is TransactionState.ASSIGNED


def test_assigning_to_an_unknown_reference_changes_nothing(organizer_client, paid_event):
    _upload(organizer_client, paid_event, mt940_statement([("100.00", "Darowizna")]))
    transaction = db.session.execute(db.select(BankTransaction)).scalar_one()
    organizer_client.post(
        f"/manage/{paid_event.slug}/payments/transactions/{transaction.id}/assign",
        data={"reference": "LSOS-AAAA-AA"})
    assert _fresh(transaction).state is TransactionState.REVIEW


def test_a_waiting_credit_is_ignored(organizer_client, paid_event):
    _upload(organizer_client, paid_event, mt940_statement([("100.00", "Darowizna")]))
    transaction = db.session.execute(db.select(BankTransaction)).scalar_one()
    organizer_client.post(
        f"/manage/{paid_event.slug}/payments/transactions/{transaction.id}/ignore")
    assert _fresh(transaction).state is TransactionState.IGNORED


def test_the_dashboard_shows_money_per_currency_and_ticket_type(organizer_client, paid_event,
                                                                make_order):
    paid = make_order(paid_event)
    make_order(paid_event)
    paid.state, paid.amount_paid = OrderState.PAID, Decimal("250")
    db.session.commit()
    page = organizer_client.get(f"/manage/{paid_event.slug}/dashboard").get_data(as_text=True)
    assert "Payments per currency" in page and "Payments per ticket type" in page
    assert "500.00" in page.replace("\xa0", " ").replace(",", ".") or "500" in page


# --- Group orders, end to end ---------------------------------------------------------------


def _group_form(ticket_type, count=3, **changes) -> dict:
    data = {"contact_name": "Maria Wiśniewska", "contact_email": "zakupy@selvita.example",
            "contact_organization": "Selvita S.A.", "privacy_consent": "y"}
    for n in range(count):
        data.update({f"members-{n}-first_name": ["Jan", "Ewa", "Piotr"][n % 3],
                     f"members-{n}-last_name": "Nowak",
                     f"members-{n}-email": f"jan{n}@selvita.example",
                     f"members-{n}-ticket_type": str(ticket_type.id)})
    data.update(changes)
    return data


def test_an_institution_buys_three_tickets_pays_by_qr_and_is_matched_from_the_statement(
        client, organizer_client, paid_event):
    public = client.application.test_client()
    response = public.post(f"/e/{paid_event.slug}/register/group",
                           data=_group_form(paid_event.test_ticket))
    assert response.status_code == 302, _errors(response)
    order_page = public.get(response.headers["Location"])
    assert order_page.headers["Cache-Control"] == "no-store"
    html = order_page.get_data(as_text=True)
    order = db.session.execute(db.select(Order)).scalar_one()
    assert len(order.registrations) == 3 and order.amount == Decimal("750.00")
    # The payer scans the Polish banking QR code: it carries the amount and the reference.
    image = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
    assert order.reference in code.text and "075000" in code.text
    # The bank's statement comes back with the title the app put in the QR code.
    _upload(organizer_client, paid_event, mt940_statement([("750.00", order.reference)]))
    assert _fresh(order).state is OrderState.PAID
    assert {r.payment_status.value for r in _fresh(order).registrations} == {"paid"}


def test_the_group_form_shows_the_row_of_an_already_registered_colleague(
        client, paid_event, sign_up):
    from tests.fixtures.registration import attendee

    sign_up(paid_event, paid_event.test_ticket, details=attendee(email="jan1@selvita.example"))
    response = client.post(f"/e/{paid_event.slug}/register/group",
                           data=_group_form(paid_event.test_ticket))
    assert response.status_code == 400
    assert "already registered" in _errors(response)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_the_group_form_refuses_a_group_bigger_than_the_seats(client, paid_event):
    paid_event.test_ticket.capacity = 2
    db.session.commit()
    response = client.post(f"/e/{paid_event.slug}/register/group",
                           data=_group_form(paid_event.test_ticket))
    assert response.status_code == 400 and "not enough seats" in _errors(response)


def test_the_group_form_offers_more_rows(client, paid_event):
    page = client.get(f"/e/{paid_event.slug}/register/group?rows=5").get_data(as_text=True)
    assert 'name="members-4-email"' in page


def test_a_forged_order_token_is_404(client, paid_event):
    assert client.get(f"/e/{paid_event.slug}/order/{'x' * 32}").status_code == 404


def test_the_event_page_links_to_the_group_form_when_a_paid_ticket_is_sold(client, paid_event):
    page = client.get(f"/e/{paid_event.slug}/").get_data(as_text=True)
    assert f'href="/e/{paid_event.slug}/register/group"' in page


def test_the_reminder_lead_time_is_saved_with_the_bank_settings(organizer_client, paid_event):
    from conference.services.payments.bank_account import bank_transfer_settings

    response = organizer_client.post(f"/manage/{paid_event.slug}/payments/bank-transfer", data={
        "payee_name": "Fundacja", "iban": "PL61 1090 1014 0000 0712 1981 2874",
        "deadline_days": "10", "reminder_days": "5", "deadline_action": "flag"})
    assert response.status_code == 302
    db.session.expire_all()
    assert bank_transfer_settings(paid_event).reminder_days == 5


def test_a_reminder_of_zero_days_sends_none(paid_event, make_order):
    import datetime as dt

    from conference.services.payments.bank_account import bank_transfer_settings
    from conference.services.payments.deadlines import run_deadlines

    bank_transfer_settings(paid_event).reminder_days = 0
    db.session.commit()
    order = make_order(paid_event)
    assert run_deadlines(now=order.due_at - dt.timedelta(hours=1)).reminded == 0
