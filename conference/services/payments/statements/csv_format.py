"""CSV exports of bank statements, read with the event's saved column mapping.

Polish banks export with ``;`` between fields, a decimal comma and Windows-1250; others
use ``,`` or tabs and UTF-8 (often with a BOM). The delimiter is guessed from the header
line, lines before the header (account summaries) are skipped, and each value is checked:
a bad date, amount or IBAN is reported with its line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import Event, StatementCsvMapping
from conference.services.payments.statements.lines import (
    StatementError,
    StatementLine,
    clean_account,
    line_error,
    parse_amount,
)

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d", "%Y/%m/%d",
                "%Y%m%d")
#: How many lines at the top may come before the header.
MAX_PREAMBLE_LINES = 50
#: The mapping's columns an import needs.
REQUIRED = ("date_column", "amount_column", "title_column")
OPTIONAL = ("payer_column", "account_column", "id_column", "currency_column")


class InvalidMapping(StatementError):
    code = "invalid_csv_mapping"


def csv_mapping(event: Event) -> StatementCsvMapping | None:
    """The event's saved CSV column mapping, or None."""
    return db.session.get(StatementCsvMapping, event.id)


def save_csv_mapping(event: Event, *, default_currency: str = "PLN",
                     **columns: str) -> StatementCsvMapping:
    """Store which header names hold what (the caller commits). InvalidMapping when a
    required column is empty, a name repeats or the currency is not three letters."""
    cleaned = {name: " ".join((columns.get(name) or "").split())[:100]
               for name in REQUIRED + OPTIONAL}
    for name in REQUIRED:
        if not cleaned[name]:
            raise InvalidMapping(str(_l("Name the column that holds this.")), field=name)
    used = [value.casefold() for value in cleaned.values() if value]
    if len(used) != len(set(used)):
        raise InvalidMapping(str(_l("Each column can be used for one thing only.")),
                             field="date_column")
    currency = (default_currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidMapping(str(_l("Enter a three-letter currency code such as PLN.")),
                             field="default_currency")
    mapping = csv_mapping(event)
    if mapping is None:
        mapping = StatementCsvMapping(event_id=event.id)
        db.session.add(mapping)
    for name, value in cleaned.items():
        setattr(mapping, name, value)
    mapping.default_currency = currency
    return mapping


def _key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get)


def _parse_date(text: str, line: int, field: str) -> dt.date:
    value = (text or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise line_error(line, str(_l("“%(value)s” in %(field)s is not a date (use "
                                  "2026-11-29 or 29.11.2026).", value=value[:40],
                                  field=field)))


def read_csv(text: str, mapping: StatementCsvMapping | None) -> list[StatementLine]:
    """Every transaction of a CSV statement (credits and debits)."""
    if mapping is None:
        raise InvalidMapping(str(_l("Save the CSV column mapping first: which column holds "
                                    "the date, the amount and the title.")))
    wanted = {name: _key(getattr(mapping, name)) for name in REQUIRED + OPTIONAL
              if getattr(mapping, name)}
    raw_lines = text.splitlines()
    header_at = None
    for index, raw in enumerate(raw_lines[:MAX_PREAMBLE_LINES]):
        delimiter = _delimiter(raw)
        cells = {_key(c) for c in next(csv.reader([raw], delimiter=delimiter), [])}
        if all(wanted[name] in cells for name in REQUIRED):
            header_at = index
            break
    if header_at is None:
        names = ", ".join(getattr(mapping, name) for name in REQUIRED)
        raise InvalidMapping(str(_l("No header line with the columns %(names)s was found "
                                    "in the first %(count)d lines: check the mapping or the "
                                    "file.", names=names, count=MAX_PREAMBLE_LINES)))
    reader = csv.reader(io.StringIO("\n".join(raw_lines[header_at:])), delimiter=delimiter)
    header = [_key(c) for c in next(reader)]
    position = {name: header.index(key) for name, key in wanted.items() if key in header}
    missing = [getattr(mapping, name) for name in wanted if name not in position]
    if missing:
        raise InvalidMapping(str(_l("The file has no column %(names)s.",
                                    names=", ".join(missing))))
    lines = []
    try:
        for row in reader:
            line = header_at + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise line_error(line, str(_l("it has %(found)d columns, the header has "
                                              "%(expected)d.", found=len(row),
                                              expected=len(header))))

            def cell(name: str, row=row) -> str:
                return row[position[name]].strip() if name in position else ""

            currency = (cell("currency_column") or mapping.default_currency).upper()
            if not re.fullmatch(r"[A-Z]{3}", currency):
                raise line_error(line, str(_l("“%(value)s” in %(field)s is not a currency "
                                              "code.", value=currency[:10],
                                              field=mapping.currency_column)))
            lines.append(StatementLine(
                line=line,
                booked_on=_parse_date(cell("date_column"), line, mapping.date_column),
                amount=parse_amount(cell("amount_column"), line, mapping.amount_column),
                currency=currency, title=" ".join(cell("title_column").split()),
                payer_name=" ".join(cell("payer_column").split())[:200],
                payer_account=clean_account(cell("account_column"), line,
                                            mapping.account_column),
                bank_id=cell("id_column"),
            ))
    except csv.Error as error:
        raise line_error(header_at + reader.line_num,
                         str(_l("the CSV is malformed (%(error)s).", error=str(error)))) from error
    return lines
