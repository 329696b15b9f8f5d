"""The organizer's decisions about credits the import could not settle on its own."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import BankTransaction, Event, Order, StatementImport, TransactionState
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.payments import state as payment_state
from conference.services.payments.orders import find_order


class TransactionAlreadyResolved(DomainError):
    code = "transaction_already_resolved"


def _check_open(transaction: BankTransaction) -> None:
    if transaction.state is not TransactionState.REVIEW:
        raise TransactionAlreadyResolved(str(_l("This credit has been dealt with already.")))


def assign_transaction(transaction: BankTransaction, order: Order, *, by,
                       now: dt.datetime | None = None):
    """Book the credit as a payment of ``order`` (partial, exact or over), recorded in the
    order's history with who decided. The caller commits."""
    now = now or utcnow()
    _check_open(transaction)
    if order.event_id != transaction.event_id:
        raise payment_state.OrderNotOpen(str(_l("That order belongs to another event.")))
    if order.currency != transaction.currency:
        raise payment_state.PaymentError(str(_l("The credit is in %(got)s, the order in "
                                                "%(want)s.", got=transaction.currency,
                                                want=order.currency)))
    line = payment_state.record_payment(
        order, transaction.amount, by=by, method="statement", now=now,
        note=f"{transaction.booked_on.isoformat()} {transaction.payer_name} "
             f"({transaction.bank_id})")
    transaction.state = TransactionState.ASSIGNED
    transaction.order_id = order.id
    transaction.resolved_by_id = by.id if by is not None else None
    transaction.resolved_at = now
    return line


def ignore_transaction(transaction: BankTransaction, *, by,
                       now: dt.datetime | None = None) -> None:
    """Not a payment for this event (or returned to the payer outside the system)."""
    _check_open(transaction)
    transaction.state = TransactionState.IGNORED
    transaction.resolved_by_id = by.id if by is not None else None
    transaction.resolved_at = now or utcnow()


def transactions_to_review(event: Event) -> list[BankTransaction]:
    """Credits waiting for a decision, oldest first."""
    return list(db.session.execute(db.select(BankTransaction).where(
        BankTransaction.event_id == event.id, BankTransaction.state == TransactionState.REVIEW)
        .order_by(BankTransaction.booked_on, BankTransaction.id)).scalars())


def recent_imports(event: Event, limit: int = 20) -> list[StatementImport]:
    return list(db.session.execute(db.select(StatementImport).where(
        StatementImport.event_id == event.id).order_by(StatementImport.id.desc())
        .limit(limit)).scalars())


def find_order_by_reference(event: Event, text: str) -> Order | None:
    """The event's order named by ``text`` (a reference typed any way), or None."""
    return find_order(event, text)
