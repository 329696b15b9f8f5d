"""Orders: what a payer owes, opened in the same transaction as the registration."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    Event,
    Order,
    OrderState,
    PaymentStatus,
    Registration,
    RegistrationState,
)
from conference.models.registrations import new_token
from conference.services.invoicing.billing import reprice_for_buyer
from conference.services.invoicing.issue import on_order_cancelled
from conference.services.payments import reference as references
from conference.services.payments import state as payment_state
from conference.services.payments.bank_account import bank_transfer_settings

#: Days to pay when the event has no bank-transfer settings yet.
DEFAULT_DEADLINE_DAYS = 14
_INACTIVE = (RegistrationState.CANCELLED, RegistrationState.REJECTED)


def new_reference(event: Event) -> str:
    """A random reference no other order of ``event`` uses (the unique constraint backs it)."""
    while True:
        candidate = references.random_reference()
        taken = db.session.scalar(sa.select(Order.id).where(
            Order.event_id == event.id, Order.reference == candidate))
        if taken is None:
            return candidate


def due_date_end(event: Event, now: dt.datetime, days: int) -> dt.datetime:
    """The end of the day ``days`` after ``now`` in the event's timezone: a payer told
    "pay by 13 December" has all of that day."""
    due_day = now.astimezone(event.tz).date() + dt.timedelta(days=days + 1)
    return dt.datetime.combine(due_day, dt.time(), tzinfo=event.tz).astimezone(dt.UTC) \
        - dt.timedelta(microseconds=1)


def open_order(registration: Registration, *, now: dt.datetime) -> Order | None:
    """Put a new registration into an order of one when it has something to pay.

    Free tickets and waived payments (speakers, guests) get no order: they are never asked
    to pay. Runs inside the registering transaction; the caller commits.
    """
    ticket_type = registration.ticket_type
    if not ticket_type.price or registration.payment_status is not PaymentStatus.UNPAID:
        return None
    event = registration.event
    settings = bank_transfer_settings(event)
    days = settings.deadline_days if settings is not None else DEFAULT_DEADLINE_DAYS
    order = Order(
        event=event, payer_name=registration.full_name, payer_email=registration.email,
        payer_organization=registration.organization, amount=ticket_type.price,
        currency=ticket_type.currency, reference=new_reference(event),
        state=OrderState.UNPAID, created_at=now, due_at=due_date_end(event, now, days),
    )
    db.session.add(order)
    registration.order = order
    payment_state.add_history(order, "created", now=now)
    return order


def open_group_order(event: Event, registrations: list[Registration], *, payer_name: str,
                     payer_email: str, payer_organization: str, now: dt.datetime
                     ) -> Order | None:
    """One order for a contact person's group: the sum of the tickets owed, one reference,
    one secret page for the payer. None when nothing is owed. All paid tickets must be in
    one currency (the caller checks). Runs in the registering transaction."""
    owing = [r for r in registrations
             if r.ticket_type.price and r.payment_status is PaymentStatus.UNPAID]
    if not owing:
        return None
    settings = bank_transfer_settings(event)
    days = settings.deadline_days if settings is not None else DEFAULT_DEADLINE_DAYS
    order = Order(
        event=event, payer_name=payer_name, payer_email=payer_email,
        payer_organization=payer_organization,
        amount=sum((r.ticket_type.price for r in owing), start=owing[0].ticket_type.price * 0),
        currency=owing[0].ticket_type.currency, reference=new_reference(event),
        state=OrderState.UNPAID, created_at=now, due_at=due_date_end(event, now, days),
        token=new_token(), amount_paid=0,
    )
    db.session.add(order)
    for registration in registrations:
        registration.order = order
    payment_state.add_history(order, "created", now=now,
                              note=f"group of {len(registrations)}")
    return order


#: The order state that follows a payment status recorded by hand on a registration.
_STATE_FOR_STATUS = {
    PaymentStatus.UNPAID: OrderState.UNPAID,
    PaymentStatus.PAID: OrderState.PAID,
    PaymentStatus.WAIVED: OrderState.FREE,
}


def follow_payment_status(registration: Registration, *, by_user=None,
                          now: dt.datetime | None = None) -> None:
    """Bring the registration's order in line with a payment status set by hand (an order
    of one; a group order is paid through its own page). The caller commits."""
    order = registration.order
    if order is None or len(order.registrations) != 1:
        return
    status = registration.payment_status
    if status is PaymentStatus.PAID and order.state in payment_state.OPEN_STATES:
        payment_state.record_payment(order, order.outstanding, by=by_user, method="other",
                                     note="marked paid on the registration", now=now)
    elif status is not PaymentStatus.PAID and order.state is not _STATE_FOR_STATUS[status]:
        if status is PaymentStatus.UNPAID:
            order.amount_paid = 0
        payment_state.set_order_state(order, _STATE_FOR_STATUS[status], "state", by=by_user,
                                      note=f"payment status set to {status.value}", now=now)


def open_missing_orders(event: Event, *, now: dt.datetime) -> int:
    """Open orders for the event's active registrations that owe money and have none (made
    before payments existed, or by staff). Returns how many; the caller commits."""
    missing = db.session.execute(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.order_id.is_(None),
        Registration.payment_status == PaymentStatus.UNPAID,
        Registration.state.not_in((RegistrationState.CANCELLED, RegistrationState.REJECTED)),
    ).order_by(Registration.id)).scalars().all()
    return sum(open_order(registration, now=now) is not None for registration in missing)


def close_order_of_cancelled(registration: Registration) -> None:
    """A cancelled (or rejected) registration no longer owes: its unpaid order of one is
    cancelled. Paid orders stay as they are (refunds come with a later slice); an issued
    VAT invoice gets a correcting invoice once nothing of the order is left."""
    order = registration.order
    if order is None:
        return
    if any(r.state not in _INACTIVE for r in order.registrations):
        reprice_group(order)  # others of a group order still owe for their own tickets
        return
    if order.state is OrderState.UNPAID:
        order.state = OrderState.CANCELLED
    on_order_cancelled(order, reason="registration cancelled")


def follow_ticket_change(registration: Registration, *, now: dt.datetime) -> None:
    """After a move to another ticket type: an unpaid order of one takes the new price, a
    move to a free ticket ends the payment request, a move onto a paid one opens an order."""
    order = registration.order
    ticket_type = registration.ticket_type
    if order is None:
        open_order(registration, now=now)
    elif len(order.registrations) > 1:
        reprice_group(order)
    elif order.state is OrderState.UNPAID:
        if registration.payment_status is not PaymentStatus.UNPAID:
            order.state = _STATE_FOR_STATUS[registration.payment_status]
        else:
            order.amount, order.currency = ticket_type.price, ticket_type.currency
            reprice_for_buyer(order)  # net price for a reverse-charge buyer


def reprice_group(order: Order, *, now: dt.datetime | None = None) -> None:
    """A group order not yet fully paid owes the tickets of its members who still come:
    after a member cancels or moves to another ticket type the amount follows (the net
    price for a reverse-charge buyer), and a part already paid may now settle it. Paid,
    refunded and cancelled orders keep their amount (refunds are the organizer's call)."""
    if order.state not in (OrderState.UNPAID, OrderState.PARTIALLY_PAID):
        return
    active = [r for r in order.registrations if r.state not in _INACTIVE]
    if not active:
        return
    before = order.amount
    order.amount = sum((r.ticket_type.price for r in active), before * 0)
    if order.state is OrderState.UNPAID:
        reprice_for_buyer(order)
    if order.amount == before:
        return
    payment_state.settle_state(order)
    payment_state.add_history(order, "repriced", now=now, amount=order.amount,
                              note=f"{before} -> {order.amount}")


def find_order(event: Event, text: str) -> Order | None:
    """The order of ``event`` whose reference appears in ``text`` (a transfer title)."""
    reference = references.normalise_reference(text)
    if reference is None:
        return None
    return db.session.execute(sa.select(Order).where(
        Order.event_id == event.id, Order.reference == reference)).scalar_one_or_none()
