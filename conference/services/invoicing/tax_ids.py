"""Tax identification numbers of buyers and issuers: a Polish NIP and EU VAT numbers,
checked for format and checksum with python-stdnum.

There is no VIES lookup (whether the number is registered and active): the server has no
network access to the EU service, and a conference registration must not depend on it. The
organizer's accountant checks VIES for reverse-charge invoices.
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.pl import nip as pl_nip

from conference.services.invoicing import InvoicingError

#: EU member states (VAT prefixes differ from ISO codes only for Greece: EL).
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})
#: ISO country code -> VAT prefix where they differ.
_VAT_PREFIX = {"GR": "EL"}


class InvalidTaxId(InvoicingError):
    """The tax id is not a valid number for the buyer's country. ``details["reason"]``:
    ``format`` (wrong length or characters), ``checksum`` or ``country`` (a VAT number of
    another country than the one chosen)."""

    code = "invalid_tax_id"


def vat_prefix(country: str) -> str:
    return _VAT_PREFIX.get(country, country)


def clean_nip(value: str) -> str:
    """A Polish NIP as ten digits; accepts spaces, dashes and a ``PL`` prefix.

    Raises InvalidTaxId (reason ``format`` or ``checksum``).
    """
    try:
        return pl_nip.validate(value)
    except stdnum_errors.InvalidChecksum as error:
        raise InvalidTaxId("NIP checksum does not match", reason="checksum") from error
    except stdnum_errors.ValidationError as error:
        raise InvalidTaxId("NIP must have ten digits", reason="format") from error


def clean_tax_id(value: str, country: str) -> str:
    """The buyer's tax id, normalised for ``country`` (ISO alpha-2); "" when none is given.

    Poland: a NIP (ten digits). Other EU countries: a VAT number with its country prefix
    (added when missing), checked for format and checksum. Elsewhere: kept as typed (up to
    30 characters of letters, digits, spaces and ``-./``), since no checksum is known.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if country == "PL":
        return clean_nip(value)
    if country in EU_COUNTRIES:
        compact = "".join(c for c in value.upper() if c.isalnum())
        prefix = vat_prefix(country)
        if compact[:2].isalpha() and compact[:2] != prefix:
            raise InvalidTaxId("VAT number of another country", reason="country")
        if not compact[:2].isalpha():
            compact = prefix + compact
        try:
            return eu_vat.validate(compact)
        except stdnum_errors.InvalidChecksum as error:
            raise InvalidTaxId("VAT number checksum does not match",
                               reason="checksum") from error
        except stdnum_errors.ValidationError as error:
            raise InvalidTaxId("VAT number has the wrong format", reason="format") from error
    if len(value) > 30 or not all(c.isalnum() or c in " -./" for c in value):
        raise InvalidTaxId("tax id too long or with other characters", reason="format")
    return value


def is_eu_vat_number(tax_id: str, country: str) -> bool:
    """Whether ``tax_id`` (already cleaned) is a VAT number of an EU state other than Poland."""
    return country in EU_COUNTRIES - {"PL"} and tax_id.startswith(vat_prefix(country))
