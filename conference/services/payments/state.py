"""An order's payment state: the one place that records money coming in and going out.

Every change (a payment matched from the bank statement, a payment marked by hand, a
refund, a reminder, the deadline) adds an ``OrderEvent`` line with who and when, so the
order's history explains its state. Other slices (invoices) hook into ``on_order_paid``.
The functions change rows in the caller's transaction; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from conference.extensions import db
from conference.models import (
    Order,
    OrderEvent,
    OrderState,
    PaymentStatus,
    Registration,
    RegistrationState,
)
from conference.models.types import utcnow
from conference.services import DomainError

#: Order states that still wait for money.
OPEN_STATES = (OrderState.UNPAID, OrderState.PARTIALLY_PAID)
#: Largest single payment or refund accepted (the column holds 10 digits, 2 decimals).
MAX_AMOUNT = Decimal("99999999.99")
#: How a refund or a manual payment may have moved.
METHODS = ("bank_transfer", "cash", "card", "other")



class PaymentError(DomainError):
    code = "payment_error"


class InvalidAmount(PaymentError):
    """An amount that is not a positive number of at most two decimals."""

    code = "invalid_amount"


class InvalidMethod(PaymentError):
    code = "invalid_method"


class OrderNotOpen(PaymentError):
    """The order is cancelled, refunded or free: it takes no payment."""

    code = "order_not_open"


class RefundTooLarge(PaymentError):
    """More refunded than was ever received."""

    code = "refund_too_large"


def clean_amount(value) -> Decimal:
    """``value`` (Decimal, str with a dot or a comma, int) as a positive 2-decimal Decimal;
    InvalidAmount otherwise (zero, negative, NaN, more than two decimals, too large)."""
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", ".")) \
            if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise InvalidAmount(str(_l("Enter an amount such as 250.00."))) from error
    if not amount.is_finite() or amount <= 0:
        raise InvalidAmount(str(_l("The amount must be greater than zero.")))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidAmount(str(_l("The amount can have at most two decimals.")))
    if amount > MAX_AMOUNT:
        raise InvalidAmount(str(_l("The amount is too large.")))
    return amount.quantize(Decimal("0.01"))


class PaymentBatch:
    """Changes of many orders written at the end in a few multi-row statements (a
    statement import pays thousands of orders; the unit of work would send one UPDATE per
    order). The orders' attributes are set as already saved, so no flush repeats them."""

    def __init__(self) -> None:
        self.history: list[dict] = []
        self.orders: dict[int, Order] = {}
        self.paid_registrations: list[int] = []

    def write(self) -> None:
        if self.orders:
            db.session.execute(sa.update(Order.__table__).where(
                Order.__table__.c.id == sa.bindparam("order_id")).values(
                amount_paid=sa.bindparam("new_amount_paid"), state=sa.bindparam("new_state")),
                [{"order_id": o.id, "new_amount_paid": o.amount_paid, "new_state": o.state}
                 for o in self.orders.values()])
        if self.history:
            db.session.execute(OrderEvent.__table__.insert(), self.history)
        if self.paid_registrations:
            table = Registration.__table__
            db.session.execute(table.update().where(table.c.id == sa.bindparam("rid"))
                               .values(payment_status=PaymentStatus.PAID),
                               [{"rid": rid} for rid in self.paid_registrations])
        self.history, self.orders, self.paid_registrations = [], {}, []


def add_history(order: Order, kind: str, *, by=None, now: dt.datetime | None = None,
                amount: Decimal | None = None, method: str = "", note: str = "",
                batch: PaymentBatch | None = None) -> OrderEvent | None:
    """Add a line to the order's history (its state after the change is recorded).

    With ``batch``, the line is written by ``batch.write()`` with many others.
    """
    if batch is not None:
        batch.history.append({"order_id": order.id, "kind": kind, "amount": amount,
                      "state": order.state, "method": method, "at": now or utcnow(),
                      "user_id": by.id if by is not None else None,
                      "note": (note or "").strip()[:2000]})
        return None
    # ``order=`` (not ``order.history.append``): an unloaded history stays unloaded.
    line = OrderEvent(order=order, kind=kind, amount=amount, state=order.state,
                      method=method, at=now or utcnow(),
                      user_id=by.id if by is not None else None, note=(note or "").strip()[:2000])
    db.session.add(line)
    return line


def _state_for_received(order: Order) -> OrderState:
    paid = order.amount_paid or Decimal("0")
    if paid <= 0:
        return OrderState.UNPAID
    if paid < order.amount:
        return OrderState.PARTIALLY_PAID
    return OrderState.PAID


def _set_registrations_paid(order: Order, paid: bool,
                            batch: PaymentBatch | None = None) -> None:
    """Keep the registrations' payment status in step with their order."""
    for registration in order.registrations:
        if registration.state in (RegistrationState.CANCELLED, RegistrationState.REJECTED):
            continue
        if paid and registration.payment_status is PaymentStatus.UNPAID:
            if batch is not None:
                set_committed_value(registration, "payment_status", PaymentStatus.PAID)
                batch.paid_registrations.append(registration.id)
            else:
                registration.payment_status = PaymentStatus.PAID
        elif not paid and registration.payment_status is PaymentStatus.PAID:
            registration.payment_status = PaymentStatus.UNPAID


def record_payment(order: Order, amount, *, by=None, method: str = "bank_transfer",
                   note: str = "", now: dt.datetime | None = None,
                   batch: PaymentBatch | None = None) -> OrderEvent | None:
    """Money received for ``order``: PARTIALLY_PAID or PAID (an over-payment is recorded
    as received). OrderNotOpen for a cancelled, refunded, paid or free order. With
    ``batch`` the writes are collected for ``batch.write()``. The caller commits."""
    now = now or utcnow()
    amount = clean_amount(amount)
    if method not in METHODS and method != "statement":
        raise InvalidMethod(str(_l("Choose how the money was paid.")))
    if order.state not in OPEN_STATES:
        raise OrderNotOpen(str(_l("This order does not take payments (it is %(state)s).",
                                  state=order.state.value)))
    was_paid = order.state is OrderState.PAID
    received = (order.amount_paid or Decimal("0")) + amount
    if batch is not None:
        set_committed_value(order, "amount_paid", received)
        set_committed_value(order, "state", _state_for_received(order))
        batch.orders[order.id] = order
    else:
        order.amount_paid = received
        order.state = _state_for_received(order)
    line = add_history(order, "payment", by=by, now=now, amount=amount, method=method,
                       note=note, batch=batch)
    if order.state is OrderState.PAID and not was_paid:
        _set_registrations_paid(order, True, batch)
        on_order_paid(order, now)
    return line


def settle_state(order: Order, now: dt.datetime | None = None) -> None:
    """After the amount owed changed (a group member cancelled): the state follows what was
    received; an order the received money now covers is paid (its invoice is issued)."""
    was_paid = order.state is OrderState.PAID
    order.state = _state_for_received(order)
    if order.state is OrderState.PAID and not was_paid:
        _set_registrations_paid(order, True)
        on_order_paid(order, now or utcnow())


def mark_paid(order: Order, *, by, note: str, now: dt.datetime | None = None,
              amount=None, method: str = "bank_transfer") -> OrderEvent:
    """An organizer marks the order paid by hand (the outstanding amount unless ``amount``
    says otherwise), with a note saying why. The caller commits."""
    if order.state not in OPEN_STATES:
        raise OrderNotOpen(str(_l("Only unpaid or partially paid orders can be marked paid.")))
    return record_payment(order, order.outstanding if amount is None else amount, by=by,
                          method=method, note=note, now=now)


def record_refund(order: Order, amount, *, by, refunded_on: dt.date | None = None,
                  method: str = "bank_transfer", note: str = "",
                  now: dt.datetime | None = None) -> OrderEvent:
    """Money sent back to the payer (outside any online provider): at most what was
    received. A full refund makes the order REFUNDED. The caller commits."""
    now = now or utcnow()
    amount = clean_amount(amount)
    if method not in METHODS:
        raise InvalidMethod(str(_l("Choose how the money was paid back.")))
    received = order.amount_paid or Decimal("0")
    if amount > received:
        raise RefundTooLarge(str(_l("At most %(amount)s can be refunded.", amount=received)))
    order.amount_paid = received - amount
    was_paid = order.state is OrderState.PAID
    order.state = OrderState.REFUNDED if order.amount_paid == 0 else _state_for_received(order)
    if was_paid and order.state is not OrderState.PAID:
        _set_registrations_paid(order, False)
    day = f"{refunded_on.isoformat()} " if refunded_on is not None else ""
    return add_history(order, "refund", by=by, now=now, amount=amount, method=method,
                       note=f"{day}{note}".strip())


def set_order_state(order: Order, state: OrderState, kind: str, *, by=None, note: str = "",
                    now: dt.datetime | None = None) -> OrderEvent:
    """Any other change of state (cancelled, overdue ...), with its history line."""
    order.state = state
    return add_history(order, kind, by=by, now=now, note=note)


def on_order_paid(order: Order, now: dt.datetime) -> None:
    """What other slices do when an order has just become fully paid: the VAT invoice, when
    the buyer asked for one (``services.invoicing``)."""
    from conference.services.invoicing.issue import on_order_paid as issue_invoice_if_asked

    issue_invoice_if_asked(order)


def history_of(order: Order) -> list[OrderEvent]:
    """The order's history, oldest first."""
    return list(db.session.execute(
        db.select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    ).scalars())
