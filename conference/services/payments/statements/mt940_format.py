"""MT940 statements (SWIFT), read with the ``mt-940`` package.

The package skips what it cannot read, so every ``:61:`` line is first checked here, and a
bad one is reported by its line number instead of vanishing. The ``:86:`` details of
Polish and German banks are structured (``~20``..``~25`` or ``?20``..``?29`` title, ``~32``
``~33`` payer name, ``~38`` payer IBAN); other banks' free text is the title as it is.
"""

from __future__ import annotations

import datetime as dt
import re

import mt940
from flask_babel import lazy_gettext as _l

from conference.services.payments.statements.lines import (
    StatementError,
    StatementLine,
    clean_account,
    line_error,
)

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):", re.MULTILINE)
#: The start of a ``:61:`` line as SWIFT defines it: value date, optional entry date,
#: debit/credit mark, optional funds code, amount with a decimal comma, transaction type.
_STATEMENT_LINE = re.compile(
    r"(?P<date>\d{6})(\d{4})?(?P<mark>R?[DC])[A-Z]?(?P<amount>\d{1,12},\d{0,2})[A-Z][A-Z0-9]{3}")
_SUBFIELD = re.compile(r"[~?^](\d{2})")
_TITLE_FIELDS = {f"{n}" for n in range(20, 30)} | {"60", "61", "62", "63"}
_NAME_FIELDS = ("32", "33")
_IBAN_FIELD = "38"


def _statement_line_starts(text: str) -> list[int]:
    """Check every ``:61:`` line; returns their line numbers (1-based)."""
    starts = []
    has_header = False
    line, position = 1, 0
    for match in _TAG.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        tag = match.group("tag")
        if tag in ("20", "25", "60F", "60M"):
            has_header = True
        if tag != "61":
            continue
        starts.append(line)
        end = text.find("\n", match.end())
        value = text[match.end():end if end != -1 else len(text)]
        found = _STATEMENT_LINE.match(value)
        if found is None:
            raise line_error(line, str(_l("this :61: transaction line is malformed "
                                          "(“%(value)s”).", value=value[:60])))
        date = found.group("date")
        try:
            dt.date(2000 + int(date[:2]), int(date[2:4]), int(date[4:]))
        except ValueError as error:
            raise line_error(line, str(_l("the date %(value)s of this transaction does not "
                                          "exist.", value=found.group("date")))) from error
        if found.group("amount").replace(",", "").strip("0") == "":
            raise line_error(line, str(_l("the amount of this transaction is zero.")))
    if not has_header:
        raise StatementError(str(_l("This is not an MT940 statement: it has no :20:, :25: "
                                    "or :60F: line.")))
    return starts


def _details(text: str) -> dict[str, str]:
    """The numbered subfields of a structured ``:86:`` (empty when it is free text)."""
    text = (text or "").replace("\n", "")
    parts = _SUBFIELD.split(text)
    if len(parts) < 3:
        return {}
    fields: dict[str, str] = {}
    for number, value in zip(parts[1::2], parts[2::2], strict=False):
        fields[number] = fields.get(number, "") + value
    return fields


def read_mt940(text: str) -> list[StatementLine]:
    """Every transaction of an MT940 statement (credits and debits)."""
    starts = _statement_line_starts(text)
    expected = len(starts)
    transactions = mt940.models.Transactions()
    # The ``:86:`` details are read here (Polish ``~`` and German ``?`` subfields alike):
    # the package's own reader of German details would only be work thrown away.
    transactions.processors["post_transaction_details"] = []
    try:
        transactions.parse(text)
    except Exception as error:  # the package raises bare RuntimeErrors and ValueErrors
        raise StatementError(str(_l("The MT940 statement cannot be read: %(error)s",
                                    error=str(error).split("\n")[0][:200]))) from error
    if len(transactions) != expected:
        raise StatementError(str(_l("The MT940 statement has %(expected)d transactions "
                                    "but only %(read)d could be read.", expected=expected,
                                    read=len(transactions))))
    lines = []
    for start, transaction in zip(starts, transactions, strict=True):
        data = transaction.data
        amount = data.get("amount")
        if amount is None or not getattr(amount, "currency", None):
            raise line_error(start, str(_l("the transaction has no currency (is the :60F: "
                                           "opening balance missing?).")))
        raw = data.get("transaction_details") or ""
        fields = _details(raw)
        if fields:
            title = " ".join(v.strip() for k, v in sorted(fields.items())
                             if k in _TITLE_FIELDS).strip()
            payer = " ".join(fields.get(k, "").strip() for k in _NAME_FIELDS).strip()
            account = clean_account(fields.get(_IBAN_FIELD, ""), start, ":86:~38")
        else:
            title, payer, account = " ".join(raw.split()), "", ""
        extra = data.get("extra_details") or ""
        bank_ref = (data.get("bank_reference") or "").strip()
        lines.append(StatementLine(
            line=start, booked_on=dt.date(data["date"].year, data["date"].month,
                                          data["date"].day),
            amount=amount.amount, currency=amount.currency.upper(),
            title=" ".join(f"{title} {extra}".split()), payer_name=payer[:200],
            payer_account=account, bank_id=f"mt940:{bank_ref}" if bank_ref else "",
        ))
    return lines
