"""What every statement format is read into, and the checks they share."""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from conference.services import DomainError

#: Largest statement accepted (a year of a busy account fits easily).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest single amount on a line (the column holds 12 digits, 2 decimals).
MAX_LINE_AMOUNT = Decimal("9999999999.99")


class StatementError(DomainError):
    """The file cannot be imported; ``details["line"]`` names the line when known.
    Nothing of the file is imported."""

    code = "invalid_statement"


class AlreadyImported(StatementError):
    """This very file was imported before (importing it again would change nothing)."""

    code = "statement_already_imported"


def line_error(line: int | None, message: str) -> StatementError:
    """A StatementError whose message starts with the line number."""
    if line is None:
        return StatementError(message)
    return StatementError(str(_l("Line %(line)d: %(problem)s", line=line, problem=message)),
                          line=line)


@dataclass
class StatementLine:
    """One booked transaction: credits are positive, debits negative."""

    #: Where it starts in the file (1-based), for error messages and the report.
    line: int
    booked_on: dt.date
    amount: Decimal
    currency: str
    title: str
    payer_name: str = ""
    payer_account: str = ""
    #: The bank's own id, "" when it gives none (``assign_ids`` then hashes the line).
    bank_id: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1250 (Polish banks).

    StatementError for an empty file, one too large, NUL bytes or bytes that are text in
    neither encoding.
    """
    if not data or not data.strip():
        raise StatementError(str(_l("The file is empty.")))
    if len(data) > MAX_FILE_BYTES:
        raise StatementError(str(_l("The file is too large (at most 20 MB).")))
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise line_error(line, str(_l("the file contains a NUL byte: is it really a text "
                                      "statement?")))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise line_error(line, str(_l("the text is neither UTF-8 nor Windows-1250; export "
                                      "the statement again in one of them."))) from error


def parse_amount(text: str, line: int, field: str) -> Decimal:
    """``1 234,56``, ``1.234,56``, ``-250.00``, ``250,00 PLN`` as a Decimal."""
    compact = re.sub(r"[\s\u00a0']", "", text or "")
    compact = re.sub(r"[A-Za-z]{3}$", "", compact)
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rindex(",") > compact.rindex(".") else "."
        thousands = "." if decimal_mark == "," else ","
        compact = compact.replace(thousands, "").replace(decimal_mark, ".")
    else:
        compact = compact.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d{1,2})?", compact):
        raise line_error(line, str(_l("“%(value)s” in %(field)s is not an amount.",
                                      value=text[:40], field=field)))
    try:
        amount = Decimal(compact)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise line_error(line, str(_l("“%(value)s” in %(field)s is not an amount.",
                                      value=text[:40], field=field))) from error
    if amount == 0:
        raise line_error(line, str(_l("the amount in %(field)s is zero.", field=field)))
    if abs(amount) > MAX_LINE_AMOUNT:
        raise line_error(line, str(_l("the amount in %(field)s is too large.", field=field)))
    return amount


def clean_account(text: str, line: int, field: str) -> str:
    """The payer's account: an IBAN (a Polish 26-digit number gets its ``PL``) checked for
    its check digits; other account formats are kept as they are."""
    compact = re.sub(r"[\s-]", "", text or "").upper()
    if not compact:
        return ""
    if re.fullmatch(r"\d{26}", compact):
        compact = "PL" + compact
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        if not iban_is_valid(compact):
            raise line_error(line, str(_l("the account number “%(value)s” in %(field)s is "
                                          "not a valid IBAN (wrong check digits).",
                                          value=text[:40], field=field)))
        return compact
    return compact[:40]


@functools.lru_cache(maxsize=4096)
def iban_is_valid(compact: str) -> bool:
    """Whether the IBAN (electronic form) passes schwifty's checks: length for its country,
    BBAN format, check digits. Cached: a statement names the same payers again and again."""
    try:
        IBAN(compact)
    except SchwiftyException:
        return False
    return True


def assign_ids(lines: list[StatementLine]) -> None:
    """Give every line without a bank id a stable one: a hash of its date, amount,
    currency, title and account, plus its place among identical lines (two equal transfers
    on one day stay two), so the same statement always gives the same ids."""
    seen: Counter = Counter()
    for item in lines:
        if item.bank_id:
            item.bank_id = item.bank_id[:100]
            continue
        key = "|".join((item.booked_on.isoformat(), str(item.amount), item.currency,
                        " ".join(item.title.split()), item.payer_account))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()[:40]
        item.bank_id = f"h:{digest}"
