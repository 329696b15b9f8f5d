"""Invoice amounts from gross ticket prices.

Ticket prices are gross (what an attendee pays, VAT included), so invoices are computed
"od brutto": per line, net = gross / (1 + rate) rounded half up to the grosz, VAT = gross -
net; totals per rate and overall are sums of the lines. Under reverse charge the buyer pays
the net price (the gross price less the VAT the ticket's rate would carry) and no VAT is
charged ("np."). Exempt ("zw"), "np" and 0 % lines have net = gross and no VAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
#: The rate label printed under reverse charge.
REVERSE_CHARGE = "np."


@dataclass(frozen=True)
class Line:
    """One invoice line: ``quantity`` x the same item; amounts are for the whole line."""

    description: str
    quantity: int
    #: The printed rate: "23%", "8%", "0%", "zw.", "np.".
    rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal

    @property
    def unit_net(self) -> Decimal:
        return (self.net / self.quantity).quantize(CENT, ROUND_HALF_UP)

    def negated(self) -> Line:
        return Line(self.description, self.quantity, self.rate, -self.net, -self.vat,
                    -self.gross)


@dataclass(frozen=True)
class RateTotal:
    rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal


def rate_label(vat_rate: str) -> str:
    """The printed form of a ticket type's VAT rate ("23" -> "23%", "zw" -> "zw.")."""
    return f"{vat_rate}%" if vat_rate.isdigit() else f"{vat_rate}."


def net_of(gross: Decimal, vat_rate: str) -> Decimal:
    """The net part of ``gross`` at ``vat_rate``, rounded half up to the grosz."""
    if not vat_rate.isdigit() or vat_rate == "0":
        return gross
    return (gross * 100 / (100 + int(vat_rate))).quantize(CENT, ROUND_HALF_UP)


def line_for(description: str, quantity: int, unit_gross: Decimal, vat_rate: str, *,
             reverse_charge: bool = False) -> Line:
    """The line for ``quantity`` items priced ``unit_gross`` each at ``vat_rate``."""
    gross = (Decimal(unit_gross) * quantity).quantize(CENT, ROUND_HALF_UP)
    net = net_of(gross, vat_rate)
    if reverse_charge:
        return Line(description, quantity, REVERSE_CHARGE, net, Decimal("0.00"), net)
    return Line(description, quantity, rate_label(vat_rate), net, gross - net, gross)


def totals_by_rate(lines: Iterable[Line]) -> list[RateTotal]:
    """Sums per printed rate, in the order the rates first appear."""
    sums: dict[str, list[Decimal]] = {}
    for line in lines:
        entry = sums.setdefault(line.rate, [Decimal("0.00")] * 3)
        entry[0] += line.net
        entry[1] += line.vat
        entry[2] += line.gross
    return [RateTotal(rate, net, vat, gross) for rate, (net, vat, gross) in sums.items()]


def grand_total(lines: Iterable[Line]) -> RateTotal:
    lines = list(lines)
    return RateTotal("", sum((x.net for x in lines), Decimal("0.00")),
                     sum((x.vat for x in lines), Decimal("0.00")),
                     sum((x.gross for x in lines), Decimal("0.00")))


def amount_in_words(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` spelled out with its currency (num2words), e.g. "sto złotych, zero groszy"."""
    from num2words import num2words

    try:
        return num2words(abs(amount), lang=language, to="currency", currency=currency)
    except NotImplementedError:
        return f"{num2words(abs(amount), lang=language)} {currency}"
