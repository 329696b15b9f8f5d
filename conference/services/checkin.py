"""Check-in at the door: verdicts for scanned badges, undo, and the offline bundle and sync.

One accepted entry per rule is guaranteed by the database, not by a read-then-write: the
``CheckIn`` unique constraint ``(registration, scope, day_key)`` refuses a second row; the
insert is ``ON CONFLICT DO NOTHING``, so the loser of a race (which PostgreSQL makes wait
for the winner's commit) gets "already checked in". ``ScanLog.nonce`` is unique the same
way, so a retry of a scan, even racing the original, replays the original verdict.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckInConflict,
    CheckinRule,
    Checkpoint,
    Event,
    PaymentStatus,
    Registration,
    RegistrationState,
    ScanLog,
    SeatBooking,
    Session,
    User,
)
from conference.models.checkin import WHOLE_EVENT_DAY_KEY
from conference.models.registrations import TICKET_CODE_ALPHABET, TICKET_CODE_LENGTH
from conference.models.types import utcnow
from conference.services import DomainError

#: Verdict codes and the colour the scanner shows.
VERDICT_LEVELS = {
    "welcome": "ok",
    "already_checked_in": "warn",
    "cancelled": "bad",
    "waitlisted": "bad",
    "pending": "bad",
    "unpaid": "bad",
    "wrong_event": "bad",
    "no_seat": "bad",
    "unknown_code": "bad",
    "malformed": "bad",
}
#: Longest scanned text looked at; anything longer is malformed without further work.
MAX_SCAN_LENGTH = 64
#: Characters kept in the scan log.
LOGGED_CODE_LENGTH = 24
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_CODE_PATTERN = re.compile(rf"^[{TICKET_CODE_ALPHABET}]{{{TICKET_CODE_LENGTH}}}$")


class CheckinError(DomainError):
    code = "checkin_error"


class BadNonce(CheckinError):
    code = "bad_nonce"


class NonceReused(CheckinError):
    """The nonce belongs to a scan of another code or event: a client bug, not a retry."""

    code = "nonce_reused"


class CheckpointClosed(CheckinError):
    code = "checkpoint_closed"


class NotCheckedIn(CheckinError):
    code = "not_checked_in"


@dataclass
class Verdict:
    """What the scanner shows. ``code`` is one of ``VERDICT_LEVELS``."""

    code: str
    registration_id: int | None = None
    name: str = ""
    ticket_type: str = ""
    badge_role: str = ""
    #: For ``already_checked_in``: the earlier entry's time (UTC, ISO) and checkpoint name.
    checked_in_at: str | None = None
    checkpoint: str | None = None
    #: True when this is the replay of an earlier scan with the same nonce.
    replayed: bool = False
    scan_id: int | None = field(default=None, repr=False)

    @property
    def level(self) -> str:
        return VERDICT_LEVELS[self.code]

    @property
    def admitted(self) -> bool:
        return self.code == "welcome"

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("scan_id")
        data["level"] = self.level
        return data


def normalise_code(raw: object) -> str | None:
    """The ticket code in canonical form, or None when it cannot be a ticket code.

    Scanners add whitespace or lower-case letters; everything else is refused before the
    database is asked.
    """
    if not isinstance(raw, str) or len(raw) > MAX_SCAN_LENGTH:
        return None
    code = raw.strip().upper()
    return code if _CODE_PATTERN.match(code) else None


def day_key_for(event: Event, instant: dt.datetime) -> str | None:
    """The ``CheckIn.day_key`` for an entry at ``instant`` under the event's rule."""
    if event.checkin_rule is CheckinRule.ONCE:
        return WHOLE_EVENT_DAY_KEY
    if event.checkin_rule is CheckinRule.DAILY:
        return instant.astimezone(event.tz).date().isoformat()
    return None


def check_in(
    event: Event,
    checkpoint: Checkpoint,
    code: object,
    *,
    user: User | None,
    nonce: str | None,
    scanned_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    source: str = "api",
    offline: bool = False,
) -> Verdict:
    """Decide whether the badge ``code`` may pass ``checkpoint`` and record the scan.

    Every scan is logged. A welcome creates a ``CheckIn``; a concurrent second scan of the
    same badge gets ``already_checked_in``. A retry with the same ``nonce`` returns the
    first verdict (``replayed=True``). Flushes; the caller commits.
    """
    now = now or utcnow()
    scanned_at = scanned_at or now
    if checkpoint.event_id != event.id:
        raise CheckinError("checkpoint of another event")
    if not checkpoint.active:
        raise CheckpointClosed()
    if nonce is not None and not (isinstance(nonce, str) and NONCE_PATTERN.match(nonce)):
        raise BadNonce()
    logged_code = _loggable(code)
    verdict, entry_id = _decide(event, checkpoint, normalise_code(code), user, scanned_at,
                                offline)
    # The scan log row carries the nonce. If a scan with this nonce was recorded first (a
    # retry, possibly racing the original: PostgreSQL makes this insert wait for it), the
    # earlier verdict is replayed and this attempt's entry, if any, is taken back.
    log_table = ScanLog.__table__
    scan_id = db.session.connection().execute(
        _insert_or_ignore(log_table).values(
            event_id=event.id, checkpoint_id=checkpoint.id, user_id=user.id if user else None,
            registration_id=verdict.registration_id, scanned_at=scanned_at, received_at=now,
            code=logged_code, verdict=verdict.code, nonce=nonce, source=source[:10],
            offline=offline, details=json.dumps(verdict.as_dict()),
        ).returning(log_table.c.id)
    ).scalar()
    if scan_id is None:
        if entry_id is not None:
            db.session.connection().execute(
                sa.delete(CheckIn.__table__).where(CheckIn.__table__.c.id == entry_id))
        earlier = _scan_by_nonce(nonce)
        if earlier is None:  # pragma: no cover - the conflicting row must exist
            raise CheckinError("scan log conflict without a row")
        return _replay(earlier, event, logged_code)
    verdict.scan_id = scan_id
    return verdict


def _insert_or_ignore(table: sa.Table):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the session's database (PostgreSQL or
    SQLite): a unique violation yields no row instead of an error, without a savepoint.
    Core statements on the table: the hot path of a busy door skips the ORM layer."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def _loggable(code: object) -> str:
    """The scanned text as stored in the log: printable, at most 24 characters."""
    if not isinstance(code, str):
        return ""
    text = code[:MAX_SCAN_LENGTH].strip()
    return "".join(c if c.isprintable() else "?" for c in text)[:LOGGED_CODE_LENGTH]


def _scan_by_nonce(nonce: str | None) -> ScanLog | None:
    if nonce is None:
        return None
    return db.session.execute(db.select(ScanLog).filter_by(nonce=nonce)).scalar_one_or_none()


def _replay(log: ScanLog, event: Event, logged_code: str) -> Verdict:
    if log.event_id != event.id or not hmac.compare_digest(
        log.code.encode(), logged_code.encode()
    ):
        raise NonceReused()
    data = json.loads(log.details or "{}")
    data.pop("level", None)
    data["replayed"] = True
    data.setdefault("code", log.verdict)
    verdict = Verdict(**data)
    verdict.scan_id = log.id
    return verdict


def _find_registration(code: str) -> Registration | None:
    registration = db.session.execute(
        db.select(Registration).filter_by(ticket_code=code)
        .options(sa.orm.joinedload(Registration.ticket_type))
    ).scalar_one_or_none()
    # The index found the row; compare the secret in constant time all the same.
    if registration is None or not hmac.compare_digest(
        registration.ticket_code.encode(), code.encode()
    ):
        return None
    return registration


def refusal_for(registration: Registration, checkpoint: Checkpoint,
                booked: set[int] | None = None) -> str | None:
    """The verdict code refusing ``registration`` at ``checkpoint``, or None if it may pass
    (before the "already checked in" check). ``booked``: preloaded seat holders, if any."""
    event = registration.event
    if registration.state in (RegistrationState.CANCELLED, RegistrationState.REJECTED):
        return "cancelled"
    if registration.state is RegistrationState.WAITLISTED:
        return "waitlisted"
    if registration.state is RegistrationState.PENDING:
        return "pending"
    if event.requires_payment and registration.payment_status is PaymentStatus.UNPAID:
        return "unpaid"
    if checkpoint.session_id is not None and _needs_seat(checkpoint.session):
        if booked is not None:
            has_seat = registration.id in booked
        else:
            has_seat = db.session.execute(
                db.select(SeatBooking.id).filter_by(
                    session_id=checkpoint.session_id, registration_id=registration.id
                )
            ).first() is not None
        if not has_seat:
            return "no_seat"
    return None


def _needs_seat(session: Session | None) -> bool:
    """Workshops with bookable seats admit only people holding a booking."""
    return session is not None and session.needs_booking


def _person(registration: Registration) -> dict:
    return {
        "registration_id": registration.id,
        "name": registration.full_name,
        "ticket_type": registration.ticket_type.name,
        "badge_role": registration.badge_role.value,
    }


def _decide(event, checkpoint, code, user, scanned_at, offline) -> tuple[Verdict, int | None]:
    """The verdict, and the id of the entry it created (welcome) or None."""
    if code is None:
        return Verdict("malformed"), None
    registration = _find_registration(code)
    if registration is None:
        return Verdict("unknown_code"), None
    if registration.event_id != event.id:
        return Verdict("wrong_event"), None
    person = _person(registration)
    refusal = refusal_for(registration, checkpoint)
    if refusal:
        return Verdict(refusal, **person), None
    day_key = day_key_for(event, scanned_at)
    # The unique constraint decides: of two parallel scans exactly one inserts the row,
    # the other waits for it to commit and then inserts nothing.
    entries = CheckIn.__table__
    entry_id = db.session.connection().execute(
        _insert_or_ignore(entries).values(
            event_id=event.id, registration_id=registration.id, checkpoint_id=checkpoint.id,
            scope=checkpoint.scope, day_key=day_key, checked_in_at=scanned_at,
            user_id=user.id if user else None, offline=offline,
        ).returning(entries.c.id)
    ).scalar()
    if entry_id is not None:
        return Verdict("welcome", **person), entry_id
    earlier = existing_entry(registration, checkpoint, day_key)
    return Verdict(
        "already_checked_in", **person,
        checked_in_at=earlier.checked_in_at.isoformat() if earlier else None,
        checkpoint=earlier.checkpoint.name if earlier else None,
    ), None


def existing_entry(registration, checkpoint, day_key) -> CheckIn | None:
    return db.session.execute(
        db.select(CheckIn).filter_by(
            registration_id=registration.id, scope=checkpoint.scope, day_key=day_key
        ).options(sa.orm.joinedload(CheckIn.checkpoint))
    ).scalar_one_or_none()


def undo_check_in(entry: CheckIn, *, user: User | None, now: dt.datetime | None = None) -> None:
    """Remove an accepted entry (organizers), so the badge may enter again; logged."""
    now = now or utcnow()
    db.session.add(ScanLog(
        event_id=entry.event_id, checkpoint_id=entry.checkpoint_id,
        user_id=user.id if user else None, registration_id=entry.registration_id,
        scanned_at=now, received_at=now, code="", verdict="undone", source="manage",
        details=json.dumps({"checked_in_at": entry.checked_in_at.isoformat()}),
    ))
    db.session.execute(
        sa.update(CheckInConflict).where(CheckInConflict.winner_checkin_id == entry.id)
        .values(winner_checkin_id=None)
    )
    db.session.delete(entry)
    db.session.flush()


# ---------------------------------------------------------------------------------------
# Checkpoints


def ensure_checkpoints(event: Event) -> list[Checkpoint]:
    """An entrance and one checkpoint per scheduled bookable workshop; flushes. Idempotent."""
    from conference.models import SessionStatus

    existing = db.session.execute(
        db.select(Checkpoint).filter_by(event_id=event.id)
    ).scalars().all()
    if not any(c.is_entrance for c in existing):
        db.session.add(Checkpoint(event_id=event.id, name="Main entrance", position=0))
    have_sessions = {c.session_id for c in existing if c.session_id}
    workshops = db.session.execute(
        db.select(Session).where(
            Session.event_id == event.id, Session.seat_capacity.is_not(None),
            Session.status == SessionStatus.SCHEDULED,
        ).order_by(Session.starts_at, Session.id)
    ).scalars().all()
    for position, session in enumerate(workshops, start=10):
        if session.id not in have_sessions:
            db.session.add(Checkpoint(event_id=event.id, name=session.title[:120],
                                      session_id=session.id, position=position))
    db.session.flush()
    return checkpoints_of(event)


def add_entrance(event: Event, name: str) -> Checkpoint:
    """Another entrance (e.g. "Gate 2"); entries at all entrances count together."""
    name = name.strip()[:120]
    if not name:
        raise CheckinError("name required", field="name")
    checkpoint = Checkpoint(event_id=event.id, name=name, position=1)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def checkpoints_of(event: Event, *, active_only: bool = True) -> list[Checkpoint]:
    query = db.select(Checkpoint).filter_by(event_id=event.id)
    if active_only:
        query = query.filter_by(active=True)
    return list(db.session.execute(
        query.order_by(Checkpoint.position, Checkpoint.id)
    ).scalars())


# ---------------------------------------------------------------------------------------
# Name search (forgotten badge)


def search_registrations(event: Event, query: str, *, limit: int = 10) -> list[Registration]:
    """Registrations of the event whose name, email or organization contains ``query``."""
    words = [w for w in query.strip().lower().split() if w][:4]
    if not words or sum(len(w) for w in words) < 2:
        return []
    statement = db.select(Registration).filter_by(event_id=event.id)
    for word in words:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        statement = statement.where(sa.or_(
            sa.func.lower(Registration.first_name).like(pattern),
            sa.func.lower(Registration.last_name).like(pattern),
            Registration.email.like(pattern),
            sa.func.lower(Registration.organization).like(pattern),
        ))
    statement = statement.order_by(Registration.last_name, Registration.first_name).limit(limit)
    return list(db.session.execute(statement).scalars())
