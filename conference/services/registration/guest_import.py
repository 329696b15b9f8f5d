"""Importing invited guests from a CSV file: every row valid, or nothing imported.

``register()`` commits each registration on its own, which cannot give all-or-nothing.
This module validates every row with the registration service's own helpers
(``clean_details``), then writes all of them in ONE transaction that holds the same row
locks as ``register()`` (the event, then its ticket types by id), counts seats the same
way, records the history line and queues the usual confirmation email in that
transaction. One refused row and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    Event,
    Registration,
    RegistrationState,
    TicketType,
    User,
)
from conference.models.registrations import SEAT_HOLDING_STATES, new_ticket_code, new_token
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.languages import person_languages
from conference.services.messaging.outbox import enqueue_mail
from conference.services.registration.attendee_input import (
    AttendeeDetails,
    InvalidDetails,
    clean_details,
    country_from_text,
)
from conference.services.registration.core import INACTIVE_STATES
from conference.services.registration.payment import status_for_price
from conference.services.registration.seats import SUBJECTS, private_link, record_change

#: Largest file accepted (bytes) and most rows per file.
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000

#: Column names, and the other spellings accepted for them in the header.
COLUMNS = {
    "first_name": ("first_name", "first name", "firstname"),
    "last_name": ("last_name", "last name", "lastname"),
    "email": ("email", "e-mail", "email address"),
    "organization": ("organization", "organisation"),
    "job_title": ("job_title", "job title"),
    "country": ("country",),
    "ticket_type": ("ticket_type", "ticket type", "ticket_type_name", "ticket type name"),
}
REQUIRED_COLUMNS = ("first_name", "last_name", "email", "ticket_type")
#: Field names as shown in the rejected-rows report.
FIELD_LABELS = {
    "first_name": _l("first name"), "last_name": _l("last name"), "email": _l("email"),
    "organization": _l("organization"), "job_title": _l("job title"),
    "country": _l("country"), "phone": _l("phone"),
}


class ImportFileError(DomainError):
    """The file cannot be read as a guest list at all."""

    code = "import_file_invalid"


class ImportRejected(DomainError):
    """Some rows are invalid; ``details["rejected"]`` lists them. Nothing was imported."""

    code = "import_rejected"


@dataclass
class RejectedRow:
    """A row that cannot be imported: its line in the file and why."""

    line: int
    reason: str
    email: str = ""


@dataclass
class GuestRow:
    line: int
    details: AttendeeDetails
    ticket_type: TicketType


@dataclass
class ImportResult:
    """What an import did."""

    imported: list[Registration] = field(default_factory=list)


def read_guest_file(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Parse a CSV guest list into ``(line number, values by column)``; refuses bad files.

    UTF-8 (with or without BOM), separated by commas, semicolons or tabs, with a header.
    """
    if not data or not data.strip():
        raise ImportFileError(str(_l("The file is empty.")))
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(str(_l("The file is larger than %(size)d KB.",
                                     size=MAX_IMPORT_BYTES // 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(str(_l(
            "The file is not UTF-8 text. In your spreadsheet choose \"CSV UTF-8\" when "
            "saving."))) from None
    if "\x00" in text:
        raise ImportFileError(str(_l("This does not look like a CSV text file.")))
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        columns = [_column_name(name) for name in header]
        unknown = [name for name, column in zip(header, columns, strict=True) if column is None]
        if unknown:
            raise ImportFileError(str(_l(
                "Unknown columns: %(names)s. Expected: %(expected)s.",
                names=", ".join(unknown)[:200], expected=", ".join(COLUMNS))))
        duplicated = [c for c, n in Counter(columns).items() if n > 1]
        if duplicated:
            raise ImportFileError(str(_l("Columns given twice: %(names)s.",
                                         names=", ".join(duplicated))))
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ImportFileError(str(_l("Missing columns: %(names)s.",
                                         names=", ".join(missing))))
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ImportFileError(str(_l("The file has more than %(count)d guests.",
                                             count=MAX_IMPORT_ROWS)))
            values = {c: "" for c in COLUMNS}
            if len(cells) > len(columns):
                values["__extra__"] = "x"
            for column, cell in zip(columns, cells, strict=False):
                values[column] = cell.strip()
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ImportFileError(str(_l("The CSV file is malformed (line %(line)d): %(error)s",
                                     line=reader.line_num, error=str(error)[:200]))) from None
    if not rows:
        raise ImportFileError(str(_l("The file has a header but no guests.")))
    return rows


def _column_name(name: str) -> str | None:
    key = " ".join(name.strip().lower().replace("_", " ").split())
    for column, spellings in COLUMNS.items():
        if key in (s.replace("_", " ") for s in spellings):
            return column
    return None


def validate_guest(values: dict[str, str], ticket_types: dict[str, TicketType]
                   ) -> tuple[AttendeeDetails, TicketType]:
    """The row's cleaned details and ticket type; raises InvalidDetails with the reason."""
    if values.get("__extra__"):
        raise InvalidDetails(str(_l("More cells than columns.")))
    try:
        details = clean_details(AttendeeDetails(
            first_name=values["first_name"], last_name=values["last_name"],
            email=values["email"], organization=values["organization"],
            job_title=values["job_title"], country=country_from_text(values["country"])))
    except InvalidDetails as error:
        field = error.details.get("field", "")
        raise InvalidDetails(str(_l("%(field)s: %(value)s is not valid (%(reason)s).",
                                    field=FIELD_LABELS.get(field, field),
                                    value=values.get(field, "")[:80] or "\u2014",
                                    reason=error.message)), field=field) from None
    name = values["ticket_type"]
    if not name:
        raise InvalidDetails(str(_l("The ticket type is empty.")), field="ticket_type")
    ticket_type = ticket_types.get(name.casefold())
    if ticket_type is None:
        raise InvalidDetails(str(_l("No ticket type named %(name)s.", name=name[:120])),
                             field="ticket_type")
    return details, ticket_type


def import_guests(event: Event, data: bytes, *, by_user: User, ignore_capacity: bool = False,
                  notify: bool = True, now: dt.datetime | None = None) -> ImportResult:
    """Register every guest of a CSV file as confirmed, or none of them. Commits.

    Rows are validated one by one (the registration form's rules, ticket type by name,
    duplicates within the file, an active registration with the same email, seats left
    unless ``ignore_capacity``). If any row is refused, ImportRejected lists every refused
    row with its line number and nothing is written. Sales windows, access codes and
    approval do not apply: the organizer invites these guests. With ``notify`` each guest
    gets the confirmation email with their private link.
    """
    now = now or utcnow()
    rows = read_guest_file(data)
    try:
        return _import_rows(event, rows, by_user=by_user, ignore_capacity=ignore_capacity,
                            notify=notify, now=now)
    except BaseException:
        db.session.rollback()
        raise


def _lock(event: Event) -> dict[str, TicketType]:
    """Lock as the registration service does: the event (only when it has a capacity),
    then the event's ticket types by id.

    Locking the event row without need would deadlock with a parallel ``register()``:
    that holds its ticket type and its INSERT needs a key-share lock on the event row.
    ``REGISTRATION_LOCKING = False`` (a test-only switch shared with the registration
    service) skips the locks to show that the race they prevent is real.
    """
    query = (db.select(TicketType).where(TicketType.event_id == event.id)
             .order_by(TicketType.id).execution_options(populate_existing=True))
    if current_app.config.get("REGISTRATION_LOCKING", True):
        if event.capacity is not None:
            db.session.execute(
                db.select(Event.id).where(Event.id == event.id).with_for_update())
        query = query.with_for_update()
    # A ticket type is found by its name in any of its languages (unique per event).
    return {name.casefold(): t for t in db.session.execute(query).scalars()
            for name in [t.name, *t.name.translations().values()] if name}


def _import_rows(event, rows, *, by_user, ignore_capacity, notify, now) -> ImportResult:
    ticket_types = _lock(event)
    rejected: list[RejectedRow] = []
    accepted: list[GuestRow] = []
    seen: dict[str, int] = {}
    for line, values in rows:
        try:
            details, ticket_type = validate_guest(values, ticket_types)
        except InvalidDetails as error:
            rejected.append(RejectedRow(line, error.message, values.get("email", "")[:254]))
            continue
        if details.email in seen:
            rejected.append(RejectedRow(line, str(_l("Same email as line %(line)d.",
                                                     line=seen[details.email])), details.email))
            continue
        seen[details.email] = line
        accepted.append(GuestRow(line, details, ticket_type))

    rejected += _already_registered(event, accepted)
    if not ignore_capacity:
        refused = {r.line for r in rejected}
        rejected += _over_capacity(event, list(ticket_types.values()),
                                   [row for row in accepted if row.line not in refused])
    # Test-only pause between counting and writing (REGISTRATION_RACE_DELAY).
    time.sleep(current_app.config.get("REGISTRATION_RACE_DELAY", 0))
    if rejected:
        db.session.rollback()
        raise ImportRejected(str(_l("%(count)d rows cannot be imported; nothing was imported.",
                                    count=len(rejected))),
                             rejected=sorted(rejected, key=lambda r: r.line))

    result = ImportResult()
    # Guests never chose a language: they are written to in the event's (they can change
    # it on their private page).
    language = person_languages(event)[0]
    for row in accepted:
        d = row.details
        registration = Registration(
            event=event, ticket_type=row.ticket_type, state=RegistrationState.CONFIRMED,
            first_name=d.first_name, last_name=d.last_name, email=d.email,
            organization=d.organization, job_title=d.job_title, country=d.country,
            locale=language, token=new_token(), ticket_code=new_ticket_code(),
            created_at=now, state_changed_at=now,
            payment_status=status_for_price(row.ticket_type),
        )
        registration.refresh_search_key()
        db.session.add(registration)
        record_change(registration, "registered",
                      f"confirmed, {row.ticket_type.name} (invited guest, CSV line {row.line})",
                      by_user=by_user, now=now)
        result.imported.append(registration)
    db.session.flush()
    if notify:
        for registration in result.imported:
            enqueue_mail(kind="registration.confirmed", recipient=registration.email,
                         subject=SUBJECTS["confirmed"], template="registration_confirmed",
                         context={"registration": registration,
                                  "link": private_link(registration), "position": None},
                         event=event, locale=registration.locale)
    db.session.commit()
    return result


def _already_registered(event: Event, accepted: list[GuestRow]) -> list[RejectedRow]:
    emails = [row.details.email for row in accepted]
    existing: set[str] = set()
    for start in range(0, len(emails), 500):
        existing.update(db.session.execute(
            db.select(Registration.email).where(
                Registration.event_id == event.id,
                Registration.email.in_(emails[start:start + 500]),
                Registration.state.not_in(INACTIVE_STATES))
        ).scalars())
    return [RejectedRow(row.line, str(_l("%(email)s is already registered for this event.",
                                         email=row.details.email)), row.details.email)
            for row in accepted if row.details.email in existing]


def _held_by_ticket_type(event: Event) -> dict[int, int]:
    """Seats held per ticket type, counted as the registration service counts them
    (confirmed, pending, and waiting-list offers still open)."""
    holds = sa.or_(
        Registration.state.in_(SEAT_HOLDING_STATES),
        sa.and_(Registration.state == RegistrationState.WAITLISTED,
                Registration.offer_expires_at.is_not(None)),
    )
    return dict(db.session.execute(
        db.select(Registration.ticket_type_id, sa.func.count())
        .where(Registration.event_id == event.id, holds)
        .group_by(Registration.ticket_type_id)
    ).all())


def _over_capacity(event: Event, ticket_types: list[TicketType],
                   accepted: list[GuestRow]) -> list[RejectedRow]:
    """Rows beyond the seats left on their ticket type or at the event (in file order)."""
    held = _held_by_ticket_type(event)
    counting = {t.id for t in ticket_types if t.counts_toward_event_capacity}
    event_used = sum(n for ticket_type_id, n in held.items() if ticket_type_id in counting)
    rejected = []
    for row in accepted:
        ticket_type = row.ticket_type
        used = held.get(ticket_type.id, 0)
        if ticket_type.capacity is not None and used >= ticket_type.capacity:
            rejected.append(RejectedRow(row.line, str(_l(
                "No seats left on %(name)s (capacity %(capacity)d).", name=ticket_type.name,
                capacity=ticket_type.capacity)), row.details.email))
            continue
        if ticket_type.id in counting and event.capacity is not None:
            if event_used >= event.capacity:
                rejected.append(RejectedRow(row.line, str(_l(
                    "No seats left at the event (capacity %(capacity)d).",
                    capacity=event.capacity)), row.details.email))
                continue
            event_used += 1
        held[ticket_type.id] = used + 1
    return rejected
