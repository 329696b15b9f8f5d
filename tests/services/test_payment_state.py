"""The order's payment state: payments, marks by hand, refunds, and the history of each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import OrderState, PaymentStatus, Role
from conference.services.payments.state import (
    InvalidAmount,
    InvalidMethod,
    OrderNotOpen,
    RefundTooLarge,
    history_of,
    mark_paid,
    record_payment,
    record_refund,
)
from conference.services.registration.core import set_payment_status

NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def organizer(make_user, paid_event):
    return make_user(Role.ORGANIZER, events=[paid_event])


def test_a_new_order_starts_its_history_with_created(paid_event, make_order):
    order = make_order(paid_event)
    assert [line.kind for line in history_of(order)] == ["created"]
    assert order.amount_paid == 0 and order.outstanding == Decimal("250.00")


def test_the_exact_amount_makes_the_order_and_its_registration_paid(paid_event, make_order):
    order = make_order(paid_event)
    record_payment(order, Decimal("250.00"), now=NOW)
    db.session.commit()
    assert order.state is OrderState.PAID
    assert order.registrations[0].payment_status is PaymentStatus.PAID


def test_part_of_the_amount_makes_the_order_partially_paid(paid_event, make_order):
    order = make_order(paid_event)
    record_payment(order, "100,00", now=NOW)
    db.session.commit()
    assert order.state is OrderState.PARTIALLY_PAID
    assert order.outstanding == Decimal("150.00")
    assert order.registrations[0].payment_status is PaymentStatus.UNPAID


def test_two_partial_payments_that_add_up_make_the_order_paid(paid_event, make_order):
    order = make_order(paid_event)
    record_payment(order, "100.00", now=NOW)
    record_payment(order, "150.00", now=NOW)
    assert order.state is OrderState.PAID


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.234", "NaN", "Infinity", "1e12", ""])
def test_a_payment_that_is_not_a_positive_two_decimal_amount_is_refused(
        paid_event, make_order, amount):
    order = make_order(paid_event)
    with pytest.raises(InvalidAmount):
        record_payment(order, amount, now=NOW)
    assert order.amount_paid == 0


def test_a_cancelled_order_takes_no_payment(paid_event, make_order):
    order = make_order(paid_event)
    order.state = OrderState.CANCELLED
    with pytest.raises(OrderNotOpen):
        record_payment(order, "250", now=NOW)


def test_mark_paid_records_the_outstanding_amount_with_who_and_the_note(
        paid_event, make_order, organizer):
    order = make_order(paid_event)
    record_payment(order, "50", now=NOW)
    mark_paid(order, by=organizer, note="Paid cash at the desk", now=NOW, method="cash")
    db.session.commit()
    last = history_of(order)[-1]
    assert (last.kind, last.amount, last.user_id, last.note, last.method, last.state) == (
        "payment", Decimal("200.00"), organizer.id, "Paid cash at the desk", "cash",
        OrderState.PAID)
    assert last.at == NOW


def test_mark_paid_refuses_an_order_that_is_paid_already(paid_event, make_order, organizer):
    order = make_order(paid_event)
    mark_paid(order, by=organizer, note="", now=NOW)
    with pytest.raises(OrderNotOpen):
        mark_paid(order, by=organizer, note="twice", now=NOW)


def test_a_full_refund_makes_the_order_refunded_and_the_registration_unpaid(
        paid_event, make_order, organizer):
    order = make_order(paid_event)
    record_payment(order, "250", now=NOW)
    record_refund(order, "250", by=organizer, refunded_on=dt.date(2026, 3, 9), method="cash",
                  note="Could not travel", now=NOW)
    db.session.commit()
    assert order.state is OrderState.REFUNDED and order.amount_paid == 0
    assert order.registrations[0].payment_status is PaymentStatus.UNPAID
    last = history_of(order)[-1]
    assert (last.kind, last.amount, last.note) == ("refund", Decimal("250.00"),
                                                   "2026-03-09 Could not travel")


def test_a_part_refund_leaves_the_order_partially_paid(paid_event, make_order, organizer):
    order = make_order(paid_event)
    record_payment(order, "250", now=NOW)
    record_refund(order, "50", by=organizer, now=NOW)
    assert order.state is OrderState.PARTIALLY_PAID and order.amount_paid == Decimal("200")


def test_more_than_was_received_cannot_be_refunded(paid_event, make_order, organizer):
    order = make_order(paid_event)
    record_payment(order, "100", now=NOW)
    with pytest.raises(RefundTooLarge):
        record_refund(order, "100.01", by=organizer, now=NOW)


def test_a_refund_needs_a_known_method(paid_event, make_order, organizer):
    order = make_order(paid_event)
    record_payment(order, "100", now=NOW)
    with pytest.raises(InvalidMethod):
        record_refund(order, "10", by=organizer, method="bitcoin", now=NOW)


def test_the_invoice_step_runs_once_when_the_order_becomes_paid(paid_event, make_order,
                                                                monkeypatch):
    from conference.services.invoicing import issue

    calls = []
    monkeypatch.setattr(issue, "on_order_paid", lambda order: calls.append(order.id))
    order = make_order(paid_event)
    record_payment(order, "100", now=NOW)
    record_payment(order, "150", now=NOW)
    assert calls == [order.id]


def test_marking_the_registration_paid_by_hand_pays_its_order_with_a_history_line(
        paid_event, make_order, organizer):
    order = make_order(paid_event)
    set_payment_status(order.registrations[0], PaymentStatus.PAID, by_user=organizer, now=NOW)
    assert order.state is OrderState.PAID and order.amount_paid == Decimal("250.00")
    assert history_of(order)[-1].user_id == organizer.id
