"""Orders and how they are paid: what a payer owes, under which transfer reference, and the
bank account an event is paid into."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.events import Event
from conference.models.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.registrations import Registration


class OrderState(enum.Enum):
    #: Nothing owed (free ticket, waived, speaker): never asked to pay.
    FREE = "free"
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class DeadlineAction(enum.Enum):
    """What happens when an order is still unpaid at its due date."""

    #: Remind the payer, then cancel the registrations and free their seats.
    CANCEL = "cancel"
    #: Keep the registrations and flag the order as overdue for the organizers.
    FLAG = "flag"


class Order(db.Model):
    """What one payer owes for one or more registrations of an event.

    A registration bought alone is an order of one; a group order (later) has several
    registrations and still one payer, one reference and one payment.
    """

    __tablename__ = "payment_order"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "reference", name="uq_payment_order_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    payer_name: Mapped[str] = mapped_column(sa.String(200))
    #: Stored lower-case, like registration emails.
    payer_email: Mapped[str] = mapped_column(sa.String(254))
    payer_organization: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The total owed, exact (never a float).
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    #: ISO 4217 code, e.g. PLN or EUR.
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: The transfer title the payer types or scans, e.g. ``LSOS-7K4M-Q9`` (unique per event;
    #: see ``services.payments.reference``).
    reference: Mapped[str] = mapped_column(sa.String(20))
    #: Code of the payment method (``services.payments.methods``), e.g. ``bank_transfer``.
    method: Mapped[str] = mapped_column(sa.String(30), default="bank_transfer")
    state: Mapped[OrderState] = mapped_column(enum_column(OrderState), default=OrderState.UNPAID)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Pay by this instant; None when nothing is owed.
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Received so far, net of refunds (``services.payments.state`` keeps it).
    amount_paid: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    #: When the payment reminder before ``due_at`` was queued (sent once).
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the deadline passed unpaid and its action (cancel or flag) was applied.
    overdue_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Secret of the payer's order page (group orders: the contact person may not attend).
    token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    event: Mapped[Event] = relationship()
    registrations: Mapped[list[Registration]] = relationship(back_populates="order",
                                                             order_by="Registration.id")
    history: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan")

    @property
    def outstanding(self) -> Decimal:
        """What the payer still owes (never negative)."""
        return max(self.amount - (self.amount_paid or Decimal("0")), Decimal("0"))

    def __repr__(self) -> str:
        return f"<Order {self.reference} {self.amount} {self.currency} {self.state.value}>"


class OrderEvent(db.Model):
    """One line of an order's payment history: who changed what, when, by how much."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_order.id", ondelete="CASCADE"),
                                          index=True)
    #: What happened: ``payment``, ``refund``, ``state``, ``reminder``, ``overdue`` ...
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: The money moved (payments and refunds), else None.
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    #: The order's state after this line.
    state: Mapped[OrderState] = mapped_column(enum_column(OrderState))
    #: How the money moved: ``bank_transfer``, ``statement``, ``cash``, ``card`` ...
    method: Mapped[str] = mapped_column(sa.String(30), default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The staff member who did it; None for the system (statement import, deadlines).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    order: Mapped[Order] = relationship(back_populates="history")
    user = relationship("User")


class BankTransferSettings(db.Model):
    """The account an event is paid into by bank transfer, and its payment deadline."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    payee_name: Mapped[str] = mapped_column(sa.String(140))
    #: Electronic form, no spaces, e.g. ``PL61109010140000071219812874``.
    iban: Mapped[str] = mapped_column(sa.String(34))
    bank_name: Mapped[str] = mapped_column(sa.String(140), default="")
    #: SWIFT/BIC, 8 or 11 characters, upper case.
    bic: Mapped[str] = mapped_column(sa.String(11), default="")
    #: Days from the order until payment is due.
    deadline_days: Mapped[int] = mapped_column(default=14)
    deadline_action: Mapped[DeadlineAction] = mapped_column(
        enum_column(DeadlineAction), default=DeadlineAction.CANCEL
    )
    #: Days before the due date when the payer is reminded.
    reminder_days: Mapped[int] = mapped_column(default=3)

    event: Mapped[Event] = relationship()
