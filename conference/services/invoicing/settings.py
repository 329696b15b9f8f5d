"""The issuer of an event's invoices: the organising institution and its number patterns."""

from __future__ import annotations

from dataclasses import dataclass

from conference.extensions import db
from conference.models import Event, InvoiceSettings
from conference.services.invoicing import InvoicingError
from conference.services.invoicing.numbering import InvalidNumberPattern, check_pattern
from conference.services.invoicing.tax_ids import InvalidTaxId, clean_nip

#: Longest values per field (the columns' sizes).
LIMITS = {"legal_name": 200, "address": 400, "place_of_issue": 100}


class InvalidIssuer(InvoicingError):
    """An issuer field is missing or wrong; ``details["field"]`` names it and
    ``details["reason"]`` says why (``required``, ``too_long``, ``format``, ``checksum``,
    ``pattern``)."""

    code = "invalid_issuer"


class NoIssuer(InvoicingError):
    """The event has no invoice issuer yet: invoices cannot be issued."""

    code = "no_issuer"


@dataclass(frozen=True)
class IssuerInput:
    legal_name: str
    address: str
    nip: str
    place_of_issue: str
    vat_pattern: str = "FV/{year}/{seq}"
    proforma_pattern: str = "PF/{year}/{seq}"
    correction_pattern: str = "KOR/{year}/{seq}"
    reverse_charge_eu: bool = False


def invoice_settings(event: Event) -> InvoiceSettings | None:
    return db.session.get(InvoiceSettings, event.id)


def require_issuer(event: Event) -> InvoiceSettings:
    settings = invoice_settings(event)
    if settings is None:
        raise NoIssuer("the event has no invoice issuer")
    return settings


def save_issuer(event: Event, given: IssuerInput) -> InvoiceSettings:
    """Validate and store the event's issuer; the caller commits. Every field is checked
    before anything is written (raises InvalidIssuer)."""
    texts = {}
    for name, limit in LIMITS.items():
        value = "\n".join(line.strip() for line in (getattr(given, name) or "").strip()
                          .splitlines() if line.strip())
        if not value:
            raise InvalidIssuer(f"{name} is required", field=name, reason="required")
        if len(value) > limit:
            raise InvalidIssuer(f"{name} is too long", field=name, reason="too_long")
        texts[name] = value
    try:
        nip = clean_nip(given.nip or "")
    except InvalidTaxId as error:
        raise InvalidIssuer("invalid NIP", field="nip", reason=error.details["reason"]) \
            from error
    patterns = {}
    for name in ("vat_pattern", "proforma_pattern", "correction_pattern"):
        try:
            patterns[name] = check_pattern(getattr(given, name))
        except InvalidNumberPattern as error:
            raise InvalidIssuer("invalid pattern", field=name, reason="pattern") from error
    if len(set(patterns.values())) < len(patterns):
        raise InvalidIssuer("patterns must differ", field="proforma_pattern", reason="pattern")
    settings = invoice_settings(event)
    if settings is None:
        settings = InvoiceSettings(event_id=event.id)
        db.session.add(settings)
    for name, value in {**texts, **patterns}.items():
        setattr(settings, name, value)
    settings.nip = nip
    settings.reverse_charge_eu = bool(given.reverse_charge_eu)
    return settings
