"""The organizers' view of orders: the filtered list and the money figures per ticket type
and per currency."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from conference.extensions import db
from conference.folding import fold
from conference.models import Event, Order, OrderState, Registration, RegistrationState, TicketType
from conference.models.types import utcnow
from conference.services.payments.reference import normalise_reference
from conference.services.payments.state import OPEN_STATES

#: The list's payment filters, in the order they are offered.
ORDER_FILTERS = ("unpaid", "overdue", "partially_paid", "paid", "refunded", "cancelled")
PER_PAGE = 50


def _filter_condition(name: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    if name == "overdue":
        return sa.and_(Order.state.in_(OPEN_STATES),
                       sa.or_(Order.overdue_at.is_not(None), Order.due_at < now))
    return Order.state == OrderState(name)


@dataclass
class OrderPage:
    items: list[Order]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def list_orders(event: Event, *, state: str | None = None, search: str = "", page: int = 1,
                now: dt.datetime | None = None) -> OrderPage:
    """One page of the event's orders, newest first: ``state`` one of ``ORDER_FILTERS``
    (others ignored); ``search`` a reference typed any way, or words of the payer's name,
    email or organisation (case and diacritics ignored)."""
    now = now or utcnow()
    conditions = [Order.event_id == event.id]
    if state in ORDER_FILTERS:
        conditions.append(_filter_condition(state, now))
    search = " ".join((search or "").split())[:200]
    if search:
        reference = normalise_reference(search)
        if reference is not None:
            conditions.append(Order.reference == reference)
        else:
            haystack = sa.func.lower(Order.payer_name + " " + Order.payer_email + " "
                                     + Order.payer_organization)
            for word in search.lower().split():
                conditions.append(sa.or_(haystack.contains(word, autoescape=True),
                                         haystack.contains(fold(word), autoescape=True)))
    total = db.session.scalar(sa.select(sa.func.count(Order.id)).where(*conditions))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    items = db.session.execute(sa.select(Order).where(*conditions)
                               .order_by(Order.created_at.desc(), Order.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    return OrderPage(items=list(items), total=total, page=page)


def is_overdue(order: Order, now: dt.datetime | None = None) -> bool:
    """Still owing after its due date (or flagged so by the deadline run)."""
    now = now or utcnow()
    return order.state in OPEN_STATES and (
        order.overdue_at is not None or (order.due_at is not None and order.due_at < now))


@dataclass
class CurrencyTotals:
    currency: str
    orders: int = 0
    #: What the orders that are not cancelled ask for.
    due: Decimal = Decimal("0")
    #: Received, net of refunds.
    received: Decimal = Decimal("0")
    #: Still owed by open orders.
    outstanding: Decimal = Decimal("0")


@dataclass
class TicketTypeTotals:
    ticket_type: TicketType
    paid: int = 0
    unpaid: int = 0
    #: The ticket price of the registrations whose order is paid.
    received: Decimal = Decimal("0")


@dataclass
class PaymentTotals:
    currencies: list[CurrencyTotals] = field(default_factory=list)
    ticket_types: list[TicketTypeTotals] = field(default_factory=list)


def payment_totals(event: Event) -> PaymentTotals:
    """Money per currency (due, received, outstanding) and per ticket type (registrations
    paid and unpaid, and what the paid ones brought), in two grouped queries."""
    per_currency: dict[str, CurrencyTotals] = {}
    rows = db.session.execute(
        sa.select(Order.currency, Order.state, sa.func.count(Order.id), sa.func.sum(Order.amount),
                  sa.func.sum(Order.amount_paid))
        .where(Order.event_id == event.id).group_by(Order.currency, Order.state)).all()
    for currency, state, count, amount, paid in rows:
        item = per_currency.setdefault(currency, CurrencyTotals(currency))
        item.orders += count
        item.received += paid or 0
        if state is not OrderState.CANCELLED:
            item.due += amount or 0
        if state in OPEN_STATES:
            item.outstanding += (amount or 0) - (paid or 0)
    per_type: dict[int, TicketTypeTotals] = {}
    types = {t.id: t for t in db.session.execute(
        sa.select(TicketType).where(TicketType.event_id == event.id)
        .order_by(TicketType.position, TicketType.id)).scalars()}
    counts: dict[tuple, int] = defaultdict(int)
    for type_id, state, count in db.session.execute(
            sa.select(Registration.ticket_type_id, Order.state, sa.func.count(Registration.id))
            .join(Order, Registration.order_id == Order.id)
            .where(Registration.event_id == event.id,
                   Registration.state.not_in((RegistrationState.CANCELLED,
                                              RegistrationState.REJECTED)))
            .group_by(Registration.ticket_type_id, Order.state)).all():
        counts[(type_id, state)] += count
    for (type_id, state), count in counts.items():
        ticket_type = types.get(type_id)
        if ticket_type is None:
            continue
        item = per_type.setdefault(type_id, TicketTypeTotals(ticket_type))
        if state is OrderState.PAID:
            item.paid += count
            item.received += ticket_type.price * count
        elif state in OPEN_STATES:
            item.unpaid += count
    return PaymentTotals(
        currencies=sorted(per_currency.values(), key=lambda c: c.currency),
        ticket_types=[per_type[t] for t in types if t in per_type])
