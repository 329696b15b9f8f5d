"""The buyer's invoice details, given at registration and kept per order."""

from __future__ import annotations

from dataclasses import dataclass

from conference.extensions import db
from conference.models import BillingDetails, Order
from conference.services.invoicing import InvoicingError
from conference.services.invoicing.tax_ids import InvalidTaxId, clean_tax_id

#: Languages an invoice can be written in.
INVOICE_LANGUAGES = ("pl", "en")
LIMITS = {"company": 200, "address": 400}


class InvalidBillingDetails(InvoicingError):
    """A buyer field is missing or wrong; ``details["field"]`` names it, ``details["reason"]``
    says why (``required``, ``too_long``, ``choice``, ``format``, ``checksum``, ``country``)."""

    code = "invalid_billing_details"


@dataclass(frozen=True)
class BillingInput:
    company: str
    address: str
    country: str
    tax_id: str = ""
    language: str = "pl"
    wants_proforma: bool = False


def clean_billing(given: BillingInput, *, countries) -> BillingInput:
    """``given`` validated and normalised (raises InvalidBillingDetails naming the field).

    Pure: call it before anything is written, so a bad tax id never leaves a half-saved
    registration. ``countries`` is the set of accepted ISO codes.
    """
    cleaned = {}
    for name, limit in LIMITS.items():
        lines = [line.strip() for line in (getattr(given, name) or "").splitlines()]
        value = "\n".join(line for line in lines if line)
        if not value:
            raise InvalidBillingDetails(f"{name} is required", field=name, reason="required")
        if len(value) > limit or any(ord(c) < 32 for c in value if c != "\n"):
            raise InvalidBillingDetails(f"{name} is too long", field=name, reason="too_long")
        cleaned[name] = value
    country = (given.country or "").strip().upper()
    if country not in countries:
        raise InvalidBillingDetails("unknown country", field="country", reason="choice")
    if given.language not in INVOICE_LANGUAGES:
        raise InvalidBillingDetails("unknown language", field="language", reason="choice")
    try:
        tax_id = clean_tax_id(given.tax_id, country)
    except InvalidTaxId as error:
        raise InvalidBillingDetails(error.message, field="tax_id",
                                    reason=error.details["reason"]) from error
    return BillingInput(company=cleaned["company"], address=cleaned["address"],
                        country=country, tax_id=tax_id, language=given.language,
                        wants_proforma=bool(given.wants_proforma))


def billing_details(order: Order | None) -> BillingDetails | None:
    return db.session.get(BillingDetails, order.id) if order is not None else None


def attach_billing(order: Order, given: BillingInput) -> BillingDetails:
    """Store ``given`` (already cleaned) as the order's buyer; the caller commits.

    A business from another EU country with a valid VAT number is invoiced under reverse
    charge, so while nothing is paid its order owes the net price (see ``amounts``).
    """
    details = billing_details(order)
    if details is None:
        details = BillingDetails(order_id=order.id)
        db.session.add(details)
    for name in ("company", "address", "country", "tax_id", "language", "wants_proforma"):
        setattr(details, name, getattr(given, name))
    db.session.flush()
    reprice_for_buyer(order)
    return details


def reprice_for_buyer(order: Order) -> None:
    """While nothing is paid, the order owes what its invoice will say: the net price under
    reverse charge, the gross price otherwise. Call after the order's tickets change."""
    from conference.services.invoicing.documents import order_lines

    details = billing_details(order)
    if details is None or order.state.value != "unpaid":
        return
    lines, _reverse = order_lines(order, details)
    order.amount = sum((line.gross for line in lines), order.amount * 0)
