"""Bank statements: each import, the credits it brought, and how each was matched."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.events import Event
from conference.models.payments import Order
from conference.models.types import UTCDateTime, enum_column, utcnow


class TransactionState(enum.Enum):
    #: Applied to an order automatically (exact reference and amount).
    MATCHED = "matched"
    #: Waits for an organizer: partial or over-payment, unknown payer, order not open.
    REVIEW = "review"
    #: An organizer assigned it to an order.
    ASSIGNED = "assigned"
    #: An organizer decided it is not a payment for this event.
    IGNORED = "ignored"


class ReviewReason(enum.Enum):
    """Why a credit waits for a human decision."""

    PARTIAL = "partial"
    OVERPAID = "overpaid"
    #: The reference names an order that is paid, cancelled or refunded already.
    ORDER_NOT_OPEN = "order_not_open"
    CURRENCY = "currency"
    #: No reference found (a suggestion by amount and payer name may be attached).
    UNKNOWN = "unknown"


class StatementImport(db.Model):
    """One uploaded statement file and what its import did."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: ``mt940`` or ``csv``.
    file_format: Mapped[str] = mapped_column(sa.String(10))
    #: SHA-256 of the file: the same file twice is recognised at once.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Credits in the file, and of them: new, already imported, matched, left for review.
    credits: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    review: Mapped[int] = mapped_column(default=0)
    #: Debits in the file (fees, refunds we sent): skipped.
    debits: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    uploaded_by = relationship("User")


class BankTransaction(db.Model):
    """One credit from a bank statement, imported once per event."""

    __table_args__ = (
        # Importing the same statement twice changes nothing.
        sa.UniqueConstraint("event_id", "bank_id", name="uq_bank_transaction_bank_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement_import.id", ondelete="SET NULL"), index=True)
    #: The bank's id of the transaction, or a hash of its date, amount, title and account
    #: (and its place among identical ones) when the bank gives none.
    bank_id: Mapped[str] = mapped_column(sa.String(100))
    booked_on: Mapped[dt.date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    payer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    payer_account: Mapped[str] = mapped_column(sa.String(40), default="")
    title: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[TransactionState] = mapped_column(enum_column(TransactionState), index=True)
    reason: Mapped[ReviewReason | None] = mapped_column(enum_column(ReviewReason))
    #: The order it paid (matched or assigned), or the one its reference names (review).
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_order.id", ondelete="SET NULL"), index=True)
    #: An open order with the same amount and a similar payer name, for a human to confirm.
    suggested_order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_order.id", ondelete="SET NULL"))
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order | None] = relationship(foreign_keys=[order_id])
    suggested_order: Mapped[Order | None] = relationship(foreign_keys=[suggested_order_id])


class StatementCsvMapping(db.Model):
    """Which CSV column holds what, saved per event (each bank names them its own way).

    Values are header names as they appear in the file (compared case- and
    space-insensitively).
    """

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    date_column: Mapped[str] = mapped_column(sa.String(100))
    amount_column: Mapped[str] = mapped_column(sa.String(100))
    title_column: Mapped[str] = mapped_column(sa.String(100))
    payer_column: Mapped[str] = mapped_column(sa.String(100), default="")
    account_column: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The bank's transaction id column; empty: a hash of the line is used.
    id_column: Mapped[str] = mapped_column(sa.String(100), default="")
    #: Empty: every line is in ``default_currency``.
    currency_column: Mapped[str] = mapped_column(sa.String(100), default="")
    default_currency: Mapped[str] = mapped_column(sa.String(3), default="PLN")
