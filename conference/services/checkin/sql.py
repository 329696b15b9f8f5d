"""The SQL of a badge scan: the admission rules as one expression, and the scan statement.

A busy door sends hundreds of scans a minute, so a scan skips the ORM: its statements are
built once, with bind parameters, and SQLAlchemy caches their compiled form.

On PostgreSQL the whole scan (find the badge, judge it, record the entry, log the scan) is
one statement with data-modifying CTEs: one round trip, atomic on its own, so the scan API
needs no BEGIN/COMMIT either. SQLite has no data-modifying CTEs; there the same expressions
run as a few statements in one transaction (SQLite serialises writers).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from conference.models import (
    CheckIn,
    Checkpoint,
    PaymentStatus,
    Registration,
    RegistrationState,
    ScanLog,
    SeatBooking,
    TicketType,
)

REGISTRATIONS = Registration.__table__
TICKET_TYPES = TicketType.__table__
ENTRIES = CheckIn.__table__
CHECKPOINTS = Checkpoint.__table__
SCAN_LOG = ScanLog.__table__
SEAT_BOOKINGS = SeatBooking.__table__


def param(name: str, type_: sa.types.TypeEngine) -> sa.BindParameter:
    return sa.bindparam(name, type_=type_)


#: What a scan statement is given (``ScanPoint`` values, the code, the scan's own data).
EVENT_ID = param("event_id", sa.Integer())
CHECKPOINT_ID = param("checkpoint_id", sa.Integer())
SESSION_ID = param("session_id", sa.Integer())
NEEDS_SEAT = param("needs_seat", sa.Boolean())
REQUIRES_PAYMENT = param("requires_payment", sa.Boolean())
SCOPE = param("scope", sa.String())
DAY_KEY = param("day_key", sa.String())
CODE = param("code", sa.String())
NONCE = param("nonce", sa.String())


def const(value: str | int) -> sa.ColumnElement:
    """A constant of our own written into the SQL: with no bind parameter per constant the
    statement text stays short and fixed, so the driver caches its conversion."""
    text = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
    return sa.literal_column(text, sa.Integer() if isinstance(value, int) else sa.String())


def has_seat(registration_id: sa.ColumnElement) -> sa.Exists:
    """The registration holds a seat booking for the checkpoint's session."""
    return sa.exists().where(
        SEAT_BOOKINGS.c.session_id == SESSION_ID,
        SEAT_BOOKINGS.c.registration_id == registration_id,
    )


def refusal(registrations: sa.FromClause = REGISTRATIONS) -> sa.ColumnElement:
    """The verdict code refusing a registration at the checkpoint, or NULL if it may pass
    (before "already checked in"). The one place the admission rules are written: the
    scan and the offline bundle both use it."""
    r = registrations.c
    return sa.case(
        (r.event_id != EVENT_ID, const("wrong_event")),
        (r.state.in_([const(RegistrationState.CANCELLED.value),
                      const(RegistrationState.REJECTED.value)]), const("cancelled")),
        (r.state == const(RegistrationState.WAITLISTED.value), const("waitlisted")),
        (r.state == const(RegistrationState.PENDING.value), const("pending")),
        (sa.and_(REQUIRES_PAYMENT, r.payment_status == const(PaymentStatus.UNPAID.value)),
         const("unpaid")),
        # Workshops with bookable seats admit only people holding a booking.
        (sa.and_(NEEDS_SEAT, ~has_seat(r.id)), const("no_seat")),
        else_=sa.null(),
    )


def _badge_holder() -> sa.Select:
    """The registration of the scanned code, with what the scanner shows and the refusal."""
    r = REGISTRATIONS.c
    return (
        sa.select(
            r.id,
            sa.func.trim(r.first_name + const(" ") + r.last_name).label("name"),
            TICKET_TYPES.c.name.label("ticket_type"),
            sa.func.coalesce(r.badge_role_override, TICKET_TYPES.c.badge_role).label("badge_role"),
            refusal().label("refusal"),
        )
        .select_from(REGISTRATIONS.join(TICKET_TYPES, TICKET_TYPES.c.id == r.ticket_type_id))
        .where(r.ticket_code == CODE)
    )


def _same_entry(entries: sa.FromClause, registration_id: sa.ColumnElement
                ) -> sa.ColumnElement[bool]:
    """The entry that makes a second scan "already checked in" under the rule's day key.
    (Under the UNLIMITED rule the day key is NULL, which equals nothing.)"""
    return sa.and_(entries.c.registration_id == registration_id, entries.c.scope == SCOPE,
                   entries.c.day_key == DAY_KEY)


def _earlier_entry(registration_id: sa.ColumnElement) -> sa.Select:
    return (
        sa.select(ENTRIES.c.checked_in_at, CHECKPOINTS.c.name.label("checkpoint"))
        .select_from(ENTRIES.join(CHECKPOINTS, CHECKPOINTS.c.id == ENTRIES.c.checkpoint_id))
        .where(_same_entry(ENTRIES, registration_id))
    )


_ENTRY_COLUMNS = ("event_id", "registration_id", "checkpoint_id", "scope", "day_key",
                  "checked_in_at", "user_id", "offline")
_LOG_COLUMNS = ("event_id", "checkpoint_id", "user_id", "registration_id", "scanned_at",
                "received_at", "code", "verdict", "nonce", "source", "offline", "details")


def _entry_values(registration_id: sa.ColumnElement) -> list:
    return [EVENT_ID, registration_id, CHECKPOINT_ID, SCOPE, DAY_KEY,
            param("scanned_at", ENTRIES.c.checked_in_at.type), param("user_id", sa.Integer()),
            param("offline", sa.Boolean())]


def _log_values(registration_id, verdict, details) -> list:
    return [EVENT_ID, CHECKPOINT_ID, param("user_id", sa.Integer()), registration_id,
            param("scanned_at", SCAN_LOG.c.scanned_at.type),
            param("received_at", SCAN_LOG.c.received_at.type), param("logged_code", sa.String()),
            verdict, NONCE, param("source", sa.String()), param("offline", sa.Boolean()),
            details]


# ---- PostgreSQL: the whole scan in one statement ---------------------------------------


def _utc_iso(value: sa.ColumnElement) -> sa.ColumnElement:
    """An instant as Python's ``isoformat()`` writes it in UTC (for the logged verdict)."""
    return sa.func.to_char(sa.func.timezone(const("UTC"), value),
                           sa.literal_column("""'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""))


def postgresql_scan() -> sa.Select:
    """One statement: the badge holder and refusal, the entry (``ON CONFLICT DO NOTHING``:
    of two parallel scans PostgreSQL lets exactly one insert it and makes the other wait and
    insert nothing), the earlier entry, and the scan log row carrying the nonce.

    The entry is inserted only if no scan with this nonce exists yet, and always before the
    log row (the log row's verdict reads it), so a retry racing its original waits for it
    and then inserts nothing at all: ``scan_id`` NULL means "replay the original".
    """
    holder = _badge_holder().cte("holder")
    nonce_unused = ~sa.exists().where(SCAN_LOG.c.nonce == NONCE)
    entry = (
        postgresql.insert(ENTRIES)
        .from_select(list(_ENTRY_COLUMNS), sa.select(*_entry_values(holder.c.id))
                     .where(holder.c.refusal.is_(None), nonce_unused))
        .on_conflict_do_nothing()
        .returning(ENTRIES.c.id)
        .cte("entry")
    )
    earlier = _earlier_entry(holder.c.id).cte("earlier")
    admitted = sa.exists().where(entry.c.id.is_not(None))
    verdict = sa.case(
        (holder.c.id.is_(None), param("missing_verdict", sa.String())),
        (holder.c.refusal.is_not(None), holder.c.refusal),
        (admitted, const("welcome")),
        else_=const("already_checked_in"),
    )
    one = sa.select(const(1).label("one")).subquery("one")
    foreign = holder.c.refusal == const("wrong_event")

    def person(column):  # nothing about people of other events
        return sa.case((foreign, sa.null()), else_=column).label(column.name)

    outcome = (
        sa.select(
            person(holder.c.id), person(holder.c.name), person(holder.c.ticket_type),
            person(holder.c.badge_role), verdict.label("verdict"),
            sa.select(entry.c.id).scalar_subquery().label("entry_id"),
            earlier.c.checked_in_at.label("earlier_at"),
            earlier.c.checkpoint.label("earlier_checkpoint"),
        )
        .select_from(one.outerjoin(holder, sa.true()).outerjoin(earlier, sa.true()))
        .cte("outcome")
    )
    already = outcome.c.verdict == const("already_checked_in")
    details = sa.func.json_build_object(
        const("code"), outcome.c.verdict,
        const("registration_id"), outcome.c.id,
        const("name"), sa.func.coalesce(outcome.c.name, const("")),
        const("ticket_type"), sa.func.coalesce(outcome.c.ticket_type, const("")),
        const("badge_role"), sa.func.coalesce(outcome.c.badge_role, const("")),
        const("checked_in_at"),
        sa.case((already, _utc_iso(outcome.c.earlier_at)), else_=sa.null()),
        const("checkpoint"), sa.case((already, outcome.c.earlier_checkpoint), else_=sa.null()),
    )
    log = (
        postgresql.insert(SCAN_LOG)
        .from_select(list(_LOG_COLUMNS), sa.select(*_log_values(
            outcome.c.id, outcome.c.verdict, sa.cast(details, sa.Text))))
        .on_conflict_do_nothing(index_elements=[SCAN_LOG.c.nonce])
        .returning(SCAN_LOG.c.id)
        .cte("log")
    )
    return sa.select(*outcome.c, sa.select(log.c.id).scalar_subquery().label("scan_id"))


# ---- SQLite (and any database): the same rules, step by step ---------------------------


def holder_with_earlier_entry() -> sa.Select:
    """The badge holder, the refusal and the earlier entry, in one query."""
    holder = _badge_holder().subquery("holder")
    entries = ENTRIES.alias("earlier")
    places = CHECKPOINTS.alias("earlier_checkpoint")
    return (
        sa.select(
            *holder.c,
            entries.c.checked_in_at.label("earlier_at"),
            places.c.name.label("earlier_checkpoint"),
        )
        .select_from(
            holder.outerjoin(entries, _same_entry(entries, holder.c.id))
            .outerjoin(places, places.c.id == entries.c.checkpoint_id)
        )
    )


def earlier_entry() -> sa.Select:
    """The entry of registration ``registration_id`` that a scan finds already there."""
    return _earlier_entry(param("registration_id", sa.Integer()))


def insert_entry(dialect_name: str):
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` of an entry."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    return (
        module.insert(ENTRIES)
        .values(dict(zip(_ENTRY_COLUMNS, _entry_values(param("registration_id", sa.Integer())),
                         strict=True)))
        .on_conflict_do_nothing()
        .returning(ENTRIES.c.id)
    )


def insert_log(dialect_name: str):
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` of a scan log row."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    values = _log_values(param("registration_id", sa.Integer()), param("verdict", sa.String()),
                         param("details", sa.Text()))
    return (
        module.insert(SCAN_LOG)
        .values(dict(zip(_LOG_COLUMNS, values, strict=True)))
        .on_conflict_do_nothing()
        .returning(SCAN_LOG.c.id)
    )
