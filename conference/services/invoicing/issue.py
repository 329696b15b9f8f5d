"""Issuing invoices: pro-forma on request, the VAT invoice when an order is paid (or on the
organizer's click for institutions that pay afterwards), a correcting invoice when a paid,
invoiced order is cancelled. Issued invoices are never edited.

Each ``issue_*`` locks the order row (one invoice of a kind per order even when two
requests race), takes the next number (``numbering``) and inserts the invoice; the caller
commits. ``store_pdf`` renders the PDF from the snapshot afterwards, outside the numbering
lock.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from conference.extensions import db
from conference.models import Invoice, InvoiceKind, Order, OrderState
from conference.models.types import utcnow
from conference.services.invoicing import InvoicingError
from conference.services.invoicing.amounts import grand_total
from conference.services.invoicing.billing import billing_details
from conference.services.invoicing.documents import (
    lines_from_data,
    order_lines,
    snapshot,
)
from conference.services.invoicing.numbering import format_number, take_number
from conference.services.invoicing.settings import NoIssuer, require_issuer
from conference.services.payments.bank_account import bank_transfer_settings, grouped_iban

log = logging.getLogger(__name__)


class NoBillingDetails(InvoicingError):
    """The buyer gave no invoice details for this order."""

    code = "no_billing_details"


class AlreadyInvoiced(InvoicingError):
    """The order already has a VAT invoice (not corrected)."""

    code = "already_invoiced"


class NotInvoiceable(InvoicingError):
    """Nothing to invoice in this state (a pro-forma for a paid order, an invoice for a
    cancelled or free one, a correction of a correction or of a corrected invoice)."""

    code = "not_invoiceable"


def _lock_order(order: Order) -> Order:
    return db.session.execute(sa.select(Order).where(Order.id == order.id)
                              .with_for_update()).scalar_one()


def invoices_of(order: Order) -> list[Invoice]:
    return list(db.session.execute(sa.select(Invoice).where(Invoice.order_id == order.id)
                                   .order_by(Invoice.id)).scalars())


def current_vat_invoice(order: Order) -> Invoice | None:
    """The order's VAT invoice that no correction has cancelled yet."""
    invoices = invoices_of(order)
    corrected = {i.corrected_invoice_id for i in invoices if i.kind is InvoiceKind.CORRECTION}
    return next((i for i in invoices if i.kind is InvoiceKind.VAT and i.id not in corrected),
                None)


def _bank(order: Order) -> dict | None:
    settings = bank_transfer_settings(order.event)
    if settings is None:
        return None
    return {"payee": settings.payee_name, "iban": grouped_iban(settings.iban),
            "bank": settings.bank_name, "bic": settings.bic}


def _insert(order: Order, kind: InvoiceKind, now: dt.datetime, *, lines, reverse_charge,
            sale_date, corrects: Invoice | None = None, reason: str = "") -> Invoice:
    settings = require_issuer(order.event)
    details = billing_details(order)
    issued_on = now.astimezone(order.event.tz).date()
    pattern = {InvoiceKind.VAT: settings.vat_pattern,
               InvoiceKind.PROFORMA: settings.proforma_pattern,
               InvoiceKind.CORRECTION: settings.correction_pattern}[kind]
    seq = take_number(settings.nip, kind, issued_on.year)
    number = format_number(pattern, year=issued_on.year, month=issued_on.month, seq=seq)
    # A correction keeps the buyer and language of the corrected invoice.
    details_for_print = _details_as_issued(corrects) if corrects is not None else details
    data = snapshot(order=order, details=details_for_print, settings=settings, kind=kind,
                    number=number, issued_on=issued_on, sale_date=sale_date, lines=lines,
                    reverse_charge=reverse_charge, bank=_bank(order),
                    corrects=({"number": corrects.number,
                               "issued_on": corrects.issued_on.isoformat(),
                               "sale_date": corrects.data.get("sale_date")}
                              if corrects is not None else None), reason=reason)
    total = grand_total(lines)
    invoice = Invoice(
        event_id=order.event_id, order_id=order.id, kind=kind, issuer_key=settings.nip,
        year=issued_on.year, seq=seq, number=number, issued_on=issued_on,
        sale_date=sale_date, language=details_for_print.language, currency=order.currency,
        buyer_name=details_for_print.company[:200], net_total=total.net,
        vat_total=total.vat, gross_total=total.gross, data=data, created_at=now,
        corrected_invoice_id=corrects.id if corrects is not None else None,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def _details_as_issued(invoice: Invoice):
    from conference.models import BillingDetails

    buyer = invoice.data["buyer"]
    return BillingDetails(company=buyer["name"], address=buyer["address"],
                          country=buyer["country"], tax_id=buyer["tax_id"],
                          language=invoice.language)


def _require_details(order: Order):
    details = billing_details(order)
    if details is None:
        raise NoBillingDetails("the buyer asked for no invoice")
    return details


def issue_proforma(order: Order, *, now: dt.datetime | None = None) -> Invoice:
    """A pro-forma for an unpaid order (the same one again when it has one). Caller commits."""
    now = now or utcnow()
    order = _lock_order(order)
    if order.state not in (OrderState.UNPAID, OrderState.PARTIALLY_PAID):
        raise NotInvoiceable("only unpaid orders get a pro-forma")
    details = _require_details(order)
    existing = next((i for i in invoices_of(order) if i.kind is InvoiceKind.PROFORMA), None)
    if existing is not None:
        return existing
    lines, reverse = order_lines(order, details)
    return _insert(order, InvoiceKind.PROFORMA, now, lines=lines, reverse_charge=reverse,
                   sale_date=None)


def issue_vat_invoice(order: Order, *, now: dt.datetime | None = None) -> Invoice:
    """The order's VAT invoice: for a paid order, or (organizer's click) for an unpaid one
    of an institution that pays after receiving it. Raises AlreadyInvoiced, NotInvoiceable,
    NoBillingDetails, NoIssuer. Caller commits."""
    now = now or utcnow()
    order = _lock_order(order)
    if order.state not in (OrderState.PAID, OrderState.UNPAID, OrderState.PARTIALLY_PAID):
        raise NotInvoiceable("the order is free, cancelled or refunded")
    details = _require_details(order)
    if current_vat_invoice(order) is not None:
        raise AlreadyInvoiced("the order already has a VAT invoice")
    lines, reverse = order_lines(order, details)
    return _insert(order, InvoiceKind.VAT, now, lines=lines, reverse_charge=reverse,
                   sale_date=now.astimezone(order.event.tz).date())


def issue_correction(invoice: Invoice, *, reason: str,
                     now: dt.datetime | None = None) -> Invoice:
    """A correcting invoice that cancels ``invoice`` in full (its lines negated); the original
    stays as issued. Caller commits."""
    now = now or utcnow()
    order = _lock_order(invoice.order)
    if invoice.kind is not InvoiceKind.VAT or current_vat_invoice(order) is None \
            or current_vat_invoice(order).id != invoice.id:
        raise NotInvoiceable("only a VAT invoice not yet corrected can be corrected")
    lines = [line.negated() for line in lines_from_data(invoice.data["lines"])]
    return _insert(order, InvoiceKind.CORRECTION, now, lines=lines,
                   reverse_charge=invoice.data["reverse_charge"],
                   sale_date=invoice.sale_date, corrects=invoice, reason=reason[:300])


def on_order_paid(order: Order, *, now: dt.datetime | None = None) -> Invoice | None:
    """Call when ``order`` becomes PAID (in that transaction): issues its VAT invoice when the
    buyer asked for one and none exists. Without an issuer nothing is issued (the organizer
    issues it from the order later). Returns the new invoice, or None."""
    if order.state is not OrderState.PAID or billing_details(order) is None:
        return None
    if current_vat_invoice(order) is not None:
        return None
    try:
        return issue_vat_invoice(order, now=now)
    except NoIssuer:
        log.warning("order %s paid but event %s has no invoice issuer", order.id,
                    order.event_id)
        return None


def on_order_cancelled(order: Order, *, reason: str,
                       now: dt.datetime | None = None) -> Invoice | None:
    """Call when a paid order is cancelled or refunded (in that transaction): its VAT invoice
    gets a correcting invoice. Returns it, or None when there was nothing to correct."""
    invoice = current_vat_invoice(order)
    if invoice is None:
        return None
    return issue_correction(invoice, reason=reason, now=now)


def orders_asking_for_invoices(event) -> list[tuple[Order, Invoice | None]]:
    """The event's orders whose buyer gave invoice details, each with its current VAT
    invoice (None when not issued yet), newest first."""
    from conference.models import BillingDetails

    orders = db.session.execute(
        sa.select(Order).join(BillingDetails, BillingDetails.order_id == Order.id)
        .where(Order.event_id == event.id).order_by(Order.id.desc())).scalars().all()
    return [(order, current_vat_invoice(order)) for order in orders]


def invoice_of_event(event, invoice_id: int) -> Invoice | None:
    invoice = db.session.get(Invoice, invoice_id)
    return invoice if invoice is not None and invoice.event_id == event.id else None
