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

    event: Mapped[Event] = relationship()
    registrations: Mapped[list[Registration]] = relationship(back_populates="order",
                                                             order_by="Registration.id")

    def __repr__(self) -> str:
        return f"<Order {self.reference} {self.amount} {self.currency} {self.state.value}>"


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

    event: Mapped[Event] = relationship()
