"""Invoice numbers without gaps or duplicates, per issuer (NIP), kind and year.

``take_number`` locks the counter row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers) and increments it; the caller inserts the invoice in the same
transaction and commits, which releases the lock. A rolled-back issue gives its number
back with the rollback, so no gap appears; the unique constraint on (issuer, kind, year,
seq) backs it all.
"""

from __future__ import annotations

import re
import time

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from conference.extensions import db
from conference.models import InvoiceCounter, InvoiceKind
from conference.services.invoicing import InvoicingError

#: Placeholders a number pattern may use.
PLACEHOLDERS = ("year", "seq", "month")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: Characters allowed around the placeholders.
_LITERAL = re.compile(r"^[A-Za-z0-9/\-_. ]*$")


class InvalidNumberPattern(InvoicingError):
    code = "invalid_number_pattern"


def check_pattern(pattern: str) -> str:
    """``pattern`` trimmed, or InvalidNumberPattern: it must hold ``{seq}`` and ``{year}``,
    no other placeholder, and only letters, digits and ``/-_.`` around them."""
    pattern = (pattern or "").strip()
    names = _PLACEHOLDER.findall(pattern)
    if ("seq" not in names or "year" not in names or any(n not in PLACEHOLDERS for n in names)
            or not _LITERAL.match(_PLACEHOLDER.sub("", pattern)) or len(pattern) > 60):
        raise InvalidNumberPattern("pattern needs {year} and {seq}", pattern=pattern)
    return pattern


def format_number(pattern: str, *, year: int, month: int, seq: int) -> str:
    return pattern.format(year=year, month=f"{month:02d}", seq=seq)


def _race_delay() -> None:
    """Test-only pause between reading and writing the counter (see the race test)."""
    delay = current_app.config.get("INVOICE_RACE_DELAY", 0)
    if delay:
        time.sleep(delay)


def take_number(issuer_key: str, kind: InvoiceKind, year: int) -> int:
    """The next number of the issuer's ``kind`` invoices in ``year``; locks the counter until
    the caller's transaction ends."""
    values = {"issuer_key": issuer_key, "kind": kind.value, "year": year, "last": 0}
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)
    # The first invoice of a year creates the row; a parallel first one finds it made.
    db.session.execute(insert(InvoiceCounter.__table__).values(**values)
                       .on_conflict_do_nothing())
    last = db.session.execute(
        sa.select(InvoiceCounter.last).where(
            InvoiceCounter.issuer_key == issuer_key, InvoiceCounter.kind == kind,
            InvoiceCounter.year == year).with_for_update()).scalar_one()
    _race_delay()
    db.session.execute(
        sa.update(InvoiceCounter).where(
            InvoiceCounter.issuer_key == issuer_key, InvoiceCounter.kind == kind,
            InvoiceCounter.year == year).values(last=last + 1)
        .execution_options(synchronize_session=False))
    return last + 1
