"""Check-in without a connection: the offline bundle and the reconciliation of its scans.

The bundle lets a scanner keep giving verdicts when the venue's Wi-Fi drops; the scans it
queued are replayed here in the order they happened (first scan wins), and every verdict
the server does not confirm becomes a conflict for the organizers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckInConflict,
    Checkpoint,
    Event,
    Registration,
    ScanLog,
    User,
)
from conference.models.types import utcnow
from conference.services.checkin import sql as checkin_sql
from conference.services.checkin.core import (
    CheckinError,
    ScanPoint,
    Verdict,
    check_in,
    day_key_for,
    existing_entry,
)

#: Hex digits of SHA-256(salt + code) in the offline bundle (64 bits: no collisions among
#: thousands of codes; the 89-bit codes themselves cannot be recovered from it).
OFFLINE_HASH_HEX = 16
#: Offline scans claiming to be from further in the future than this are clamped to now.
CLOCK_SKEW = dt.timedelta(minutes=5)



def offline_hash(salt: str, code: str) -> str:
    """What the offline bundle carries instead of a code: SHA-256(salt + code), truncated."""
    return hashlib.sha256((salt + code).encode()).hexdigest()[:OFFLINE_HASH_HEX]


def offline_bundle(event: Event, checkpoint: Checkpoint, *, now: dt.datetime | None = None
                   ) -> dict:
    """Everything a scanner needs to give verdicts at ``checkpoint`` without the server.

    Codes are replaced by salted hashes (a fresh random salt per bundle), so a lost phone
    does not leak working badge codes. Each entry carries the verdict the server would give
    now (before "already"), and the current entry, if any, for the rule's day.
    """
    now = now or utcnow()
    salt = secrets.token_hex(16)
    # The refusal and the seat come from the same SQL expressions as the online scan.
    rows = db.session.execute(
        db.select(Registration, checkin_sql.refusal().label("refusal"),
                  checkin_sql.has_seat(Registration.id).label("seat"))
        .where(Registration.event_id == event.id)
        .options(sa.orm.selectinload(Registration.ticket_type)),
        ScanPoint.of(event, checkpoint).rule_parameters(now),
    ).all()
    entries_query = db.select(CheckIn).filter_by(event_id=event.id, scope=checkpoint.scope)
    day_key = day_key_for(event, checkpoint, now)
    if day_key is not None:
        entries_query = entries_query.filter_by(day_key=day_key)
    else:
        entries_query = entries_query.where(sa.false())
    entered = {
        e.registration_id: e for e in db.session.execute(
            entries_query.options(sa.orm.selectinload(CheckIn.checkpoint))
        ).scalars()
    }
    people = []
    for registration, refusal, seat in rows:
        entry = entered.get(registration.id)
        people.append({
            "h": offline_hash(salt, registration.ticket_code),
            "id": registration.id,
            "name": registration.full_name,
            "organization": registration.organization,
            "ticket_type": registration.ticket_type.name,
            "badge_role": registration.badge_role.value,
            "state": registration.state.value,
            "seat": bool(seat),
            "verdict": refusal or "welcome",
            "checked_in_at": entry.checked_in_at.isoformat() if entry else None,
            "checkpoint": entry.checkpoint.name if entry else None,
        })
    return {
        "event": event.slug,
        "checkpoint": {"id": checkpoint.id, "name": checkpoint.name},
        "rule": checkpoint.rule.value,
        "timezone": event.timezone,
        "generated_at": now.isoformat(),
        "hash": {"algorithm": "sha256", "salt": salt, "hex_digits": OFFLINE_HASH_HEX},
        "registrations": people,
    }


@dataclass
class OfflineScan:
    """One scan made while offline, as uploaded by the scanner."""

    nonce: str
    code: str
    scanned_at: dt.datetime
    #: What the device showed (``welcome``, ``already_checked_in``, ...).
    local_verdict: str


@dataclass
class SyncResult:
    verdicts: list[tuple[str, Verdict]]
    conflicts: list[CheckInConflict]
    #: Scans refused one by one (bad or reused nonce ...): (nonce, error code). The others
    #: still count, so one bad item never blocks a door's whole queue.
    rejected: list[tuple[str, str]] = field(default_factory=list)


def sync_offline_scans(
    event: Event, checkpoint: Checkpoint, scans: list[OfflineScan], *, user: User | None,
    now: dt.datetime | None = None,
) -> SyncResult:
    """Replay uploaded offline scans in the order they happened; the first scan wins.

    A scan earlier than the entry the server already holds takes that entry over (the
    later scan, online or offline, becomes the conflict). Every offline verdict the server
    does not confirm (e.g. a "welcome" for a badge already in) becomes a
    ``CheckInConflict`` for the organizers.
    Scans already uploaded (same nonce) are replayed, not counted twice. A scan the service
    refuses (``CheckinError``) is reported in ``rejected`` and the rest go on. Flushes.
    """
    now = now or utcnow()
    verdicts: list[tuple[str, Verdict]] = []
    conflicts: list[CheckInConflict] = []
    rejected: list[tuple[str, str]] = []
    for scan in sorted(scans, key=lambda s: s.scanned_at):
        at = min(scan.scanned_at, now + CLOCK_SKEW)
        try:
            with db.session.begin_nested():  # a refused scan leaves nothing behind
                verdict = check_in(event, checkpoint, scan.code, user=user, nonce=scan.nonce,
                                   scanned_at=at, now=now, source="offline", offline=True)
        except CheckinError as error:
            rejected.append((scan.nonce, error.code))
            continue
        verdicts.append((scan.nonce, verdict))
        if verdict.replayed:
            continue
        if verdict.code == "already_checked_in":
            conflict = _first_scan_wins(event, checkpoint, verdict, at, scan.local_verdict)
            if conflict is not None:
                conflicts.append(conflict)
                continue
        # An empty local verdict: the device had no list and only queued the scan.
        if scan.local_verdict and scan.local_verdict != verdict.code:
            conflicts.append(_conflict(event, verdict, scan.local_verdict, None))
    db.session.flush()
    return SyncResult(verdicts, conflicts, rejected)


def _conflict(event, verdict: Verdict, local_verdict: str, winner: CheckIn | None
              ) -> CheckInConflict:
    conflict = CheckInConflict(
        event_id=event.id, registration_id=verdict.registration_id, scan_log_id=verdict.scan_id,
        local_verdict=(local_verdict or "")[:30], server_verdict=verdict.code,
        winner_checkin_id=winner.id if winner else None,
    )
    db.session.add(conflict)
    return conflict


def _first_scan_wins(event, checkpoint, verdict: Verdict, at: dt.datetime,
                     local_verdict: str) -> CheckInConflict | None:
    """The offline scan was earlier than the entry on record: it becomes the entry."""
    registration = db.session.get(Registration, verdict.registration_id)
    entry = existing_entry(registration, checkpoint, day_key_for(event, checkpoint, at))
    if entry is None or entry.checked_in_at <= at:
        return None
    later_scan = db.session.execute(
        db.select(ScanLog).where(
            ScanLog.registration_id == entry.registration_id,
            ScanLog.verdict == "welcome", ScanLog.checkpoint_id == entry.checkpoint_id,
            ScanLog.scanned_at == entry.checked_in_at,
        ).order_by(ScanLog.id.desc()).limit(1)
    ).scalar_one_or_none()
    this_scan = db.session.get(ScanLog, verdict.scan_id)
    entry.checked_in_at = at
    entry.checkpoint_id = checkpoint.id
    entry.user_id = this_scan.user_id
    entry.offline = True
    this_scan.verdict = "welcome"
    verdict_data = json.loads(this_scan.details)
    verdict_data.update(code="welcome", checked_in_at=None, checkpoint=None)
    this_scan.details = json.dumps(verdict_data)
    verdict.code, verdict.checked_in_at, verdict.checkpoint = "welcome", None, None
    loser = later_scan or this_scan
    conflict = CheckInConflict(
        event_id=event.id, registration_id=entry.registration_id, scan_log_id=loser.id,
        local_verdict=local_verdict[:30] if later_scan is None else "welcome",
        server_verdict="already_checked_in", winner_checkin_id=entry.id,
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict


def open_conflicts(event: Event) -> list[CheckInConflict]:
    return list(db.session.execute(
        db.select(CheckInConflict).filter_by(event_id=event.id, resolved_at=None)
        .order_by(CheckInConflict.created_at.desc(), CheckInConflict.id.desc())
    ).scalars())


def resolve_conflict(conflict: CheckInConflict, *, now: dt.datetime | None = None) -> None:
    """Mark a conflict as seen and dealt with."""
    conflict.resolved_at = now or utcnow()
