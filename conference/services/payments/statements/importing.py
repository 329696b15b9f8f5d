"""Import a statement: every new credit matched to an order, in one transaction.

Matching, in order: the order reference anywhere in the title (``normalise_reference``:
any case, spaces, inside a longer title); with the exact amount still owed the order is
paid at once; partial and over-payments, credits for orders no longer open and credits in
another currency wait for an organizer. Credits without a reference wait too, with a
suggestion when exactly one open order owes that amount and its payer's name matches.
A transaction already imported (same bank id) is skipped, so importing a statement twice,
or two statements that overlap, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.folding import fold
from conference.models import (
    BankTransaction,
    Event,
    Order,
    ReviewReason,
    StatementImport,
    TransactionState,
)
from conference.models.types import utcnow
from conference.services.payments import state as payment_state
from conference.services.payments.reference import normalise_reference
from conference.services.payments.statements.csv_format import csv_mapping, read_csv
from conference.services.payments.statements.lines import (
    AlreadyImported,
    StatementError,
    StatementLine,
    assign_ids,
    decode,
)
from conference.services.payments.statements.mt940_format import read_mt940

FORMATS = ("mt940", "csv")


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_statement(event: Event, data: bytes, file_format: str) -> list[StatementLine]:
    """The file's transactions, with ids; StatementError naming the line on bad input."""
    if file_format not in FORMATS:
        raise StatementError(str(_l("Choose MT940 or CSV.")))
    text = decode(data)
    lines = read_mt940(text) if file_format == "mt940" else read_csv(text, csv_mapping(event))
    assign_ids(lines)
    return lines


def previous_import(event: Event, digest: str) -> StatementImport | None:
    """The earlier import of the very same file, if any."""
    return db.session.execute(db.select(StatementImport).where(
        StatementImport.event_id == event.id, StatementImport.sha256 == digest)
        .order_by(StatementImport.id).limit(1)).scalar_one_or_none()


def _words(text: str) -> set[str]:
    return {word for word in fold(text or "").split() if len(word) > 1}


class _Matcher:
    """The event's orders loaded once, by reference and by (amount owed, currency)."""

    def __init__(self, event: Event):
        orders = db.session.execute(
            db.select(Order).where(Order.event_id == event.id)
            .options(selectinload(Order.registrations))).scalars().all()
        self.by_reference = {order.reference: order for order in orders}
        self.open_by_amount: dict[tuple, list[Order]] = defaultdict(list)
        for order in orders:
            if order.state in payment_state.OPEN_STATES:
                self.open_by_amount[(order.outstanding, order.currency)].append(order)

    def suggestion(self, item: StatementLine) -> Order | None:
        """The one open order owing exactly this amount whose payer's name (or
        organisation) shares a word with the credit's payer or title."""
        candidates = self.open_by_amount.get((item.amount, item.currency), [])
        if not candidates:
            return None
        words = _words(item.payer_name) | _words(item.title)
        fitting = [order for order in candidates if order.state in payment_state.OPEN_STATES
                   and words & (_words(order.payer_name) | _words(order.payer_organization))]
        return fitting[0] if len(fitting) == 1 else None


def _apply(item: StatementLine, transaction: dict, matcher: _Matcher, now: dt.datetime,
           batch: payment_state.PaymentBatch) -> None:
    reference = normalise_reference(item.title)
    order = matcher.by_reference.get(reference) if reference else None
    if order is None:
        suggested = matcher.suggestion(item)
        transaction.update(state=TransactionState.REVIEW, reason=ReviewReason.UNKNOWN,
                           suggested_order_id=suggested.id if suggested is not None else None)
        return
    transaction["order_id"] = order.id
    if order.currency != item.currency:
        reason = ReviewReason.CURRENCY
    elif order.state not in payment_state.OPEN_STATES:
        reason = ReviewReason.ORDER_NOT_OPEN
    elif item.amount < order.outstanding:
        reason = ReviewReason.PARTIAL
    elif item.amount > order.outstanding:
        reason = ReviewReason.OVERPAID
    else:
        payment_state.record_payment(
            order, item.amount, method="statement", now=now,
            note=f"{item.booked_on.isoformat()} {item.payer_name} ({item.bank_id})".strip(),
            batch=batch)
        transaction["state"] = TransactionState.MATCHED
        return
    transaction.update(state=TransactionState.REVIEW, reason=reason)


def _lock_imports(event: Event) -> None:
    """One import per event at a time (PostgreSQL: a transaction-level advisory lock; SQLite
    serialises writers anyway): two overlapping statements imported at once both see the
    transactions the other wrote, instead of one failing on the unique bank id."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": IMPORT_LOCK_NAMESPACE + event.id})


#: Keeps the statement-import advisory locks apart from any other advisory lock.
IMPORT_LOCK_NAMESPACE = 0x5354_0000_0000


def import_statement(event: Event, data: bytes, *, filename: str, file_format: str, by=None,
                     now: dt.datetime | None = None) -> StatementImport:
    """Read the file and import its new credits (the caller commits; on any error it
    rolls back and nothing is imported). AlreadyImported for a file imported before,
    StatementError naming the line for bad input."""
    now = now or utcnow()
    digest = file_digest(data)
    lines = read_statement(event, data, file_format)
    _lock_imports(event)
    earlier = previous_import(event, digest)
    if earlier is not None:
        raise AlreadyImported(str(_l("This file was imported already (%(filename)s); "
                                     "importing it again would change nothing.",
                                     filename=earlier.filename)))
    credits = [item for item in lines if item.is_credit]
    record = StatementImport(event_id=event.id, filename=(filename or "statement")[:200],
                             file_format=file_format, sha256=digest,
                             uploaded_by_id=by.id if by is not None else None, created_at=now,
                             credits=len(credits), debits=len(lines) - len(credits),
                             new=0, duplicates=0, matched=0, review=0)
    db.session.add(record)
    db.session.flush()
    known = set(db.session.execute(db.select(BankTransaction.bank_id).where(
        BankTransaction.event_id == event.id)).scalars())
    matcher = _Matcher(event)
    rows: list[dict] = []
    batch = payment_state.PaymentBatch()
    for item in credits:
        if item.bank_id in known:
            record.duplicates += 1
            continue
        known.add(item.bank_id)
        transaction = {
            "event_id": event.id, "import_id": record.id, "bank_id": item.bank_id,
            "booked_on": item.booked_on, "amount": item.amount, "currency": item.currency,
            "payer_name": item.payer_name, "payer_account": item.payer_account,
            "title": item.title[:2000], "reason": None, "order_id": None,
            "suggested_order_id": None}
        _apply(item, transaction, matcher, now, batch)
        rows.append(transaction)
    # Multi-row INSERTs instead of the unit of work's bookkeeping of thousands of objects.
    if rows:
        db.session.execute(BankTransaction.__table__.insert(), rows)
    batch.write()
    record.new = len(rows)
    record.matched = sum(row["state"] is TransactionState.MATCHED for row in rows)
    record.review = record.new - record.matched
    db.session.flush()
    return record

