"""Exports of an event's registrations (CSV and XLSX) with answers and consents.

Every text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with ``'`` in both formats.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conference.extensions import db
from conference.i18n import country_name
from conference.models import Answer, Event
from conference.services.registration.admin import RegistrationFilter, check_ins_of
from conference.services.registration.payment import PAYMENT_STATE_LABELS, payment_state
from conference.services.registration.settings import questions_of

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BASE_COLUMNS = (
    _l("ID"), _l("First name"), _l("Last name"), _l("Email"), _l("Organization"),
    _l("Job title"), _l("Country"), _l("Phone"), _l("Ticket type"), _l("State"),
    _l("Payment"), lazy_pgettext("column", "Checked in"), _l("Registered at"),
    _l("Privacy consent at"), _l("Privacy policy version"), _l("Public participant list"),
    _l("News"),
)


def neutralise(value):
    """A cell value that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _local(instant, event: Event) -> str:
    """An instant as ``YYYY-MM-DD HH:MM`` in the event's timezone (sortable in a sheet)."""
    return instant.astimezone(event.tz).strftime("%Y-%m-%d %H:%M") if instant else ""


def export_rows(event: Event, flt: RegistrationFilter, *,
                batch: int = 500) -> Iterator[list]:
    """The header row, then one row per registration of the filtered list (neutralised).

    Countries and payment states are named in the current language; "Checked in" lists the
    entries' times (event timezone). Answers and entries are loaded per batch of
    registrations, so memory stays flat for large events.
    """
    questions = questions_of(event)
    yes, no = str(_l("yes")), str(_l("no"))
    payment_labels = {state: str(label) for state, label in PAYMENT_STATE_LABELS.items()}
    yield [neutralise(str(c)) for c in BASE_COLUMNS] + [neutralise(q.label) for q in questions]
    registrations = db.session.execute(flt.select(event)).scalars()
    for chunk in registrations.partitions(batch):
        ids = [r.id for r in chunk]
        answers: dict[int, dict[int, str]] = defaultdict(dict)
        for answer in db.session.execute(
            db.select(Answer).where(Answer.registration_id.in_(ids))
        ).scalars():
            answers[answer.registration_id][answer.question_id] = answer.value
        check_ins = check_ins_of(ids)
        for r in chunk:
            row = [
                r.id, r.first_name, r.last_name, r.email, r.organization, r.job_title,
                country_name(r.country), r.phone, r.ticket_type.name, r.state.value,
                payment_labels[payment_state(r)],
                "; ".join(_local(entry.checked_in_at, event) for entry in check_ins.get(r.id, [])),
                _local(r.created_at, event), _local(r.privacy_consent_at, event),
                r.privacy_policy_version, yes if r.consent_public_list else no,
                yes if r.consent_news else no,
            ]
            row += ["; ".join(answers[r.id].get(q.id, "").splitlines()) for q in questions]
            yield [neutralise(v) for v in row]


def export_csv(event: Event, flt: RegistrationFilter) -> bytes:
    """The filtered list as CSV: UTF-8 with a BOM so that Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(event, flt):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(event: Event, flt: RegistrationFilter) -> bytes:
    """The filtered list as an Excel workbook; every text cell is stored as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Registrations"))[:31])
    for row in export_rows(event, flt):
        # openpyxl refuses control characters and would store "=..." as a formula.
        sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v
                      for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
