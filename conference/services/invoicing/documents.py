"""What an invoice says: its lines from an order, and the snapshot of everything printed.

The snapshot (``Invoice.data``) is plain JSON (amounts as strings) made once at issue from
the issuer, the buyer, the order and the payment; the PDF is drawn from it alone, so later
changes to the event, the issuer or the order never change an issued invoice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conference.content import localize
from conference.models import (
    BillingDetails,
    InvoiceKind,
    InvoiceSettings,
    Order,
    OrderState,
    RegistrationState,
)
from conference.services.invoicing.amounts import (
    Line,
    amount_in_words,
    grand_total,
    line_for,
    totals_by_rate,
)
from conference.services.invoicing.tax_ids import is_eu_vat_number

_INACTIVE = (RegistrationState.CANCELLED, RegistrationState.REJECTED)


def applies_reverse_charge(details: BillingDetails | None,
                           settings: InvoiceSettings | None) -> bool:
    """Reverse charge: the buyer is a business with a VAT number of another EU state (format
    and checksum checked; no VIES lookup) and the issuer invoices such buyers so.

    Off unless the organizer turns it on: admission to an event is taxed where the event
    takes place (art. 28g(1) of the Polish VAT act, art. 53 of Directive 2006/112/EC), so a
    French business attending in Kraków pays Polish VAT. Reverse charge (art. 28b) fits
    services taxed where the buyer is established, e.g. an online-only training."""
    if details is None or not details.tax_id:
        return False
    enabled = settings.reverse_charge_eu if settings is not None else False
    return enabled and is_eu_vat_number(details.tax_id, details.country)


def order_lines(order: Order, details: BillingDetails | None) -> tuple[list[Line], bool]:
    """The order's lines (one per ticket type, in the buyer's invoice language) and whether
    reverse charge applies."""
    from conference.services.invoicing.settings import invoice_settings

    event = order.event
    reverse = applies_reverse_charge(details, invoice_settings(event))
    language = details.language if details is not None else event.language
    registrations = [r for r in order.registrations if r.state not in _INACTIVE] \
        or list(order.registrations)
    groups: dict[int, list] = {}
    for registration in registrations:
        groups.setdefault(registration.ticket_type_id, []).append(registration)
    lines = []
    for group in groups.values():
        ticket_type = group[0].ticket_type
        description = (f"{localize(ticket_type.name, language, event.language)} — "
                       f"{localize(event.name, language, event.language)}")
        if len(group) == 1:
            description += f" ({group[0].full_name})"
        lines.append(line_for(description, len(group), ticket_type.price, ticket_type.vat_rate,
                              reverse_charge=reverse and ticket_type.vat_rate.isdigit()))
    return lines, reverse


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def lines_data(lines: list[Line]) -> list[dict]:
    return [{"description": x.description, "quantity": x.quantity, "rate": x.rate,
             "unit_net": _money(x.unit_net), "net": _money(x.net), "vat": _money(x.vat),
             "gross": _money(x.gross)} for x in lines]


def lines_from_data(data: list[dict]) -> list[Line]:
    return [Line(x["description"], x["quantity"], x["rate"], Decimal(x["net"]),
                 Decimal(x["vat"]), Decimal(x["gross"])) for x in data]


def snapshot(*, order: Order, details: BillingDetails, settings: InvoiceSettings,
             kind: InvoiceKind, number: str, issued_on: dt.date, sale_date: dt.date | None,
             lines: list[Line], reverse_charge: bool, bank: dict | None,
             corrects: dict | None = None, reason: str = "") -> dict:
    """Everything printed on the invoice, as JSON."""
    total = grand_total(lines)
    event = order.event
    return {
        "kind": kind.value, "number": number, "language": details.language,
        "issued_on": issued_on.isoformat(),
        "sale_date": sale_date.isoformat() if sale_date else None,
        "place_of_issue": settings.place_of_issue, "currency": order.currency,
        "event": localize(event.name, details.language, event.language),
        "issuer": {"name": settings.legal_name, "address": settings.address,
                   "nip": settings.nip},
        "buyer": {"name": details.company, "address": details.address,
                  "country": details.country, "tax_id": details.tax_id},
        "lines": lines_data(lines),
        "totals_by_rate": [{"rate": t.rate, "net": _money(t.net), "vat": _money(t.vat),
                            "gross": _money(t.gross)} for t in totals_by_rate(lines)],
        "totals": {"net": _money(total.net), "vat": _money(total.vat),
                   "gross": _money(total.gross)},
        "in_words": {language: amount_in_words(total.gross, order.currency, language)
                     for language in ("pl", "en")},
        "reverse_charge": reverse_charge,
        "payment": {"method": order.method, "paid": order.state is OrderState.PAID,
                    "reference": order.reference,
                    "due_on": (order.due_at.astimezone(event.tz).date().isoformat()
                               if order.due_at else None),
                    "bank": bank},
        "corrects": corrects, "reason": reason,
    }
