"""Check-in at the door: verdicts for scanned badges, and undo.

One accepted entry per rule is guaranteed by the database, not by a read-then-write: the
``CheckIn`` unique constraint ``(registration, scope, day_key)`` refuses a second row; the
insert is ``ON CONFLICT DO NOTHING``, so the loser of a race (which PostgreSQL makes wait
for the winner's commit) gets "already checked in". ``ScanLog.nonce`` is unique the same
way, so a retry of a scan, even racing the original, replays the original verdict.

The statements themselves are in ``checkin_sql``: on PostgreSQL a scan is one statement.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import re
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckInConflict,
    CheckinRule,
    Checkpoint,
    Event,
    ScanLog,
    Session,
    User,
)
from conference.models.checkin import WHOLE_EVENT_DAY_KEY, scope_of
from conference.models.registrations import TICKET_CODE_ALPHABET, TICKET_CODE_LENGTH
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.checkin import sql as checkin_sql

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


@dataclass(frozen=True)
class ScanPoint:
    """Where and under which rules a badge is scanned: plain values of an event and one of
    its checkpoints (the scan API loads them with its permission check in one query)."""

    event_id: int
    timezone: str
    rule: CheckinRule
    requires_payment: bool
    checkpoint_id: int
    session_id: int | None
    #: A workshop with bookable seats: only seat holders may enter.
    needs_seat: bool
    active: bool = True

    @classmethod
    def of(cls, event: Event, checkpoint: Checkpoint) -> ScanPoint:
        session = checkpoint.session
        return cls(
            event_id=event.id, timezone=event.timezone, rule=checkpoint.rule,
            requires_payment=event.requires_payment, checkpoint_id=checkpoint.id,
            session_id=checkpoint.session_id,
            needs_seat=_needs_seat(session), active=checkpoint.active,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def scope(self) -> str:
        return scope_of(self.session_id)

    def day_key(self, instant: dt.datetime) -> str | None:
        return rule_day_key(self.rule, self.tz, instant)

    def rule_parameters(self, instant: dt.datetime) -> dict:
        """The bind parameters of ``checkin_sql.refusal`` and the entry lookups."""
        return {
            "event_id": self.event_id, "checkpoint_id": self.checkpoint_id,
            "session_id": self.session_id, "needs_seat": self.needs_seat,
            "requires_payment": self.requires_payment, "scope": self.scope,
            "day_key": self.day_key(instant),
        }


def _needs_seat(session: Session | None) -> bool:
    """Workshops with bookable seats admit only people holding a booking."""
    return session is not None and session.needs_booking


def normalise_code(raw: object) -> str | None:
    """The ticket code in canonical form, or None when it cannot be a ticket code.

    Scanners add whitespace or lower-case letters; everything else is refused before the
    database is asked.
    """
    if not isinstance(raw, str) or len(raw) > MAX_SCAN_LENGTH:
        return None
    code = raw.strip().upper()
    return code if _CODE_PATTERN.match(code) else None


def rule_day_key(rule: CheckinRule, tz: ZoneInfo, instant: dt.datetime) -> str | None:
    """The ``CheckIn.day_key`` of an entry at ``instant`` under ``rule``: one key for the
    whole event (ONCE), the local date in ``tz`` (DAILY), or none, which never collides
    (UNLIMITED)."""
    if rule is CheckinRule.ONCE:
        return WHOLE_EVENT_DAY_KEY
    if rule is CheckinRule.DAILY:
        return instant.astimezone(tz).date().isoformat()
    return None


def day_key_for(event: Event, checkpoint: Checkpoint, instant: dt.datetime) -> str | None:
    """The ``CheckIn.day_key`` for an entry at ``instant`` under the checkpoint's rule."""
    return rule_day_key(checkpoint.rule, event.tz, instant)


# ---------------------------------------------------------------------------------------
# Scans


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
    """Decide whether the badge ``code`` may pass ``checkpoint`` and record the scan
    (``record_scan`` with the event's and checkpoint's rules)."""
    if checkpoint.event_id != event.id:
        raise CheckinError("checkpoint of another event")
    return record_scan(ScanPoint.of(event, checkpoint), code, user_id=user.id if user else None,
                       nonce=nonce, scanned_at=scanned_at, now=now, source=source,
                       offline=offline)


def record_scan(
    point: ScanPoint,
    code: object,
    *,
    user_id: int | None,
    nonce: str | None,
    scanned_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    source: str = "api",
    offline: bool = False,
) -> Verdict:
    """Decide whether the badge ``code`` may pass the scan point and record the scan.

    Every scan is logged. A welcome creates a ``CheckIn``; a concurrent second scan of the
    same badge gets ``already_checked_in``. A retry with the same ``nonce`` returns the
    first verdict (``replayed=True``). The caller commits.
    """
    now = now or utcnow()
    scanned_at = scanned_at or now
    if not point.active:
        raise CheckpointClosed()
    if nonce is not None and not (isinstance(nonce, str) and NONCE_PATTERN.match(nonce)):
        raise BadNonce()
    logged_code = _loggable(code)
    normal_code = normalise_code(code)
    params = {
        **point.rule_parameters(scanned_at),
        "code": normal_code, "nonce": nonce, "scanned_at": scanned_at, "received_at": now,
        "user_id": user_id, "offline": offline, "source": source[:10],
        "logged_code": logged_code,
        "missing_verdict": "unknown_code" if normal_code else "malformed",
    }
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        verdict = _scan_in_one_statement(connection, params)
    else:
        verdict = _scan_step_by_step(connection, params)
    if verdict is None:  # a scan with this nonce was recorded first
        return _replay(nonce, point.event_id, logged_code)
    return verdict


def _verdict(code: str, row) -> Verdict:
    if row is None or row.id is None or code == "wrong_event":  # nothing about other events
        return Verdict(code)
    role = row.badge_role
    return Verdict(code, registration_id=row.id, name=row.name, ticket_type=row.ticket_type,
                   badge_role=getattr(role, "value", role) or "")


def _with_earlier(verdict: Verdict, checked_in_at: dt.datetime | None, checkpoint: str | None
                  ) -> Verdict:
    if checked_in_at is not None:
        verdict.checked_in_at = checked_in_at.isoformat()
        verdict.checkpoint = checkpoint
    return verdict


@functools.cache
def _statement(name: str, dialect_name: str):
    """The scan statements, built once per process (SQLAlchemy caches their compiled form)."""
    builders = {
        "scan": checkin_sql.postgresql_scan,
        "holder": checkin_sql.holder_with_earlier_entry,
        "earlier": checkin_sql.earlier_entry,
        "entry": lambda: checkin_sql.insert_entry(dialect_name),
        "log": lambda: checkin_sql.insert_log(dialect_name),
    }
    return builders[name]()


def _scan_in_one_statement(connection, params: dict) -> Verdict | None:
    row = connection.execute(_statement("scan", "postgresql"), params).one()
    if row.scan_id is None:  # a scan with this nonce was logged first
        if row.entry_id is not None:
            # Only possible when no unique key stopped the entry (UNLIMITED rule, NULL day
            # key) and the original of this retry ran at the same instant: take ours back.
            _delete_entry(connection, row.entry_id)
        return None
    verdict = _verdict(row.verdict, row)
    _with_earlier(verdict, row.earlier_at, row.earlier_checkpoint)
    if verdict.code == "already_checked_in" and row.earlier_at is None:
        # A parallel scan committed the entry after this statement began: read it now.
        _with_earlier(verdict, *_earlier_entry(connection, params, row.id))
    verdict.scan_id = row.scan_id
    return verdict


def _scan_step_by_step(connection, params: dict) -> Verdict | None:
    if params["nonce"] is not None and _scan_by_nonce(params["nonce"]) is not None:
        return None
    dialect_name = connection.dialect.name
    row = None
    if params["code"] is not None:
        row = connection.execute(_statement("holder", dialect_name), params).first()
    entry_id = None
    if row is None:
        verdict = _verdict(params["missing_verdict"], None)
    elif row.refusal is not None:
        verdict = _verdict(row.refusal, row)
    elif row.earlier_at is not None:
        verdict = _with_earlier(_verdict("already_checked_in", row), row.earlier_at,
                                row.earlier_checkpoint)
    else:
        entry_id = connection.execute(_statement("entry", dialect_name),
                                      {**params, "registration_id": row.id}).scalar()
        verdict = _verdict("welcome" if entry_id else "already_checked_in", row)
        if entry_id is None:
            _with_earlier(verdict, *_earlier_entry(connection, params, row.id))
    data = verdict.as_dict()
    data.pop("level")
    scan_id = connection.execute(_statement("log", dialect_name), {
        **params, "registration_id": verdict.registration_id, "verdict": verdict.code,
        "details": json.dumps(data),
    }).scalar()
    if scan_id is None:  # the original of this retry got in between: take ours back
        if entry_id is not None:
            _delete_entry(connection, entry_id)
        return None
    verdict.scan_id = scan_id
    return verdict


def _delete_entry(connection, entry_id: int) -> None:
    entries = CheckIn.__table__
    connection.execute(sa.delete(entries).where(entries.c.id == entry_id))


def _earlier_entry(connection, params: dict, registration_id: int):
    row = connection.execute(_statement("earlier", connection.dialect.name),
                             {**params, "registration_id": registration_id}).first()
    return (row.checked_in_at, row.checkpoint) if row else (None, None)


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


def _replay(nonce: str | None, event_id: int, logged_code: str) -> Verdict:
    log = _scan_by_nonce(nonce)
    if log is None:  # pragma: no cover - the conflicting row must exist
        raise CheckinError("scan log conflict without a row")
    if log.event_id != event_id or not hmac.compare_digest(
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
