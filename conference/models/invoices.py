"""Invoices: the issuer an event invoices as, the buyer's invoice details per order, the
issued documents (immutable snapshots with their PDF) and the gap-free number counters."""

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


class InvoiceKind(enum.Enum):
    #: Faktura pro forma: a request to pay, not a tax document; numbered on its own.
    PROFORMA = "proforma"
    #: Faktura VAT.
    VAT = "vat"
    #: Faktura korygująca: corrects an issued VAT invoice (negative lines).
    CORRECTION = "correction"


#: VAT rates a ticket type may carry: percentages, "zw" (exempt) and "np" (not taxed in
#: Poland). Reverse charge for EU businesses is decided per buyer, not per ticket.
VAT_RATES = ("23", "8", "5", "0", "zw", "np")


class InvoiceSettings(db.Model):
    """Who issues the event's invoices (the organising institution) and how they are numbered.

    The legal name and address are printed exactly as in the company register, so they are
    plain text, not translated content.
    """

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    legal_name: Mapped[str] = mapped_column(sa.String(200))
    #: Street, postal code and city; several lines.
    address: Mapped[str] = mapped_column(sa.String(400))
    #: Polish NIP, ten digits without separators: also the numbering key of the issuer.
    nip: Mapped[str] = mapped_column(sa.String(10))
    place_of_issue: Mapped[str] = mapped_column(sa.String(100))
    #: Number patterns with ``{year}``, ``{seq}`` (and optionally ``{month}``).
    vat_pattern: Mapped[str] = mapped_column(sa.String(60), default="FV/{year}/{seq}")
    proforma_pattern: Mapped[str] = mapped_column(sa.String(60), default="PF/{year}/{seq}")
    correction_pattern: Mapped[str] = mapped_column(sa.String(60), default="KOR/{year}/{seq}")
    #: Invoice EU businesses with a valid VAT number of another member state under reverse
    #: charge (net price, "np.", art. 28b of the Polish VAT act). Off by default: admission
    #: to an event is taxed where it takes place (art. 28g(1)), i.e. Polish VAT for all.
    reverse_charge_eu: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()


class BillingDetails(db.Model):
    """The buyer an order is invoiced to, as given at registration."""

    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_order.id", ondelete="CASCADE"), primary_key=True)
    company: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(400))
    #: ISO 3166 alpha-2.
    country: Mapped[str] = mapped_column(sa.String(2))
    #: Normalised: ten digits for a Polish NIP, country prefix + number for an EU VAT
    #: number (e.g. ``FR40303265045``), free text (validated for length) otherwise; "" none.
    tax_id: Mapped[str] = mapped_column(sa.String(30), default="")
    #: "pl" or "en": the language the invoice is written in.
    language: Mapped[str] = mapped_column(sa.String(2), default="pl")
    #: The buyer asked for a pro-forma invoice.
    wants_proforma: Mapped[bool] = mapped_column(default=False)

    order: Mapped[Order] = relationship()


class Invoice(db.Model):
    """One issued invoice. Never edited: ``data`` holds everything printed on it (issuer,
    buyer, lines, totals) as it was at issue, and ``pdf`` the document itself."""

    __table_args__ = (
        sa.UniqueConstraint("issuer_key", "kind", "year", "seq", name="uq_invoice_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_column(InvoiceKind))
    #: The issuer's NIP: numbers run per issuer, kind and year.
    issuer_key: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(80))
    issued_on: Mapped[dt.date] = mapped_column(index=True)
    #: Date of the sale (the payment date for a paid order); None on a pro-forma.
    sale_date: Mapped[dt.date | None]
    language: Mapped[str] = mapped_column(sa.String(2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    buyer_name: Mapped[str] = mapped_column(sa.String(200))
    net_total: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    vat_total: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    gross_total: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    #: The VAT invoice a correction corrects.
    corrected_invoice_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invoice.id", ondelete="CASCADE"))
    #: Everything printed on the invoice, as issued (see services.invoicing.documents).
    data: Mapped[dict] = mapped_column(sa.JSON)
    #: The PDF, written once (at issue or on the first download) from ``data``.
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    order: Mapped[Order] = relationship()
    corrected_invoice: Mapped[Invoice | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Invoice {self.number} {self.gross_total} {self.currency}>"


class InvoiceCounter(db.Model):
    """The last number given per issuer, kind and year. Issuing locks this row
    (``SELECT ... FOR UPDATE``) and inserts the invoice in the same transaction, so numbers
    have no gaps and no duplicates."""

    issuer_key: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_column(InvoiceKind), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
