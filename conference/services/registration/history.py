"""A registration's history as the back office shows it: its changes and its check-ins.

Changes are ``RegistrationChange`` rows; entries and their undoing come from the scan log
(a scan skips the ORM and writes no history row, so the door stays fast), merged here by
time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from conference.extensions import db
from conference.models import Checkpoint, Registration, RegistrationChange, ScanLog, User

#: ``HistoryLine.action`` of an accepted scan and of an undone entry.
CHECK_IN = "check_in"
CHECK_IN_UNDONE = "check_in_undone"
_SCAN_ACTIONS = {"welcome": CHECK_IN, "undone": CHECK_IN_UNDONE}


@dataclass
class HistoryLine:
    """One line of the history: when, by whom (None: the attendee or the system), what."""

    at: dt.datetime
    user: User | None
    #: ``RegistrationChange.action`` (``registered``, ``state`` ...), ``check_in`` or
    #: ``check_in_undone``.
    action: str
    detail: str = ""
    #: For check-ins: the checkpoint, whether an offline device accepted it, and (for an
    #: undo) when the undone entry had been made.
    checkpoint: str = ""
    offline: bool = False
    entry_at: dt.datetime | None = None


def registration_history(registration: Registration) -> list[HistoryLine]:
    """Every change and every check-in (and undo) of the registration, oldest first."""
    lines = [
        HistoryLine(at=change.at, user=user, action=change.action, detail=change.detail)
        for change, user in db.session.execute(
            db.select(RegistrationChange, User)
            .outerjoin(User, RegistrationChange.user_id == User.id)
            .where(RegistrationChange.registration_id == registration.id)
            .order_by(RegistrationChange.at, RegistrationChange.id))
    ]
    scans = db.session.execute(
        db.select(ScanLog, Checkpoint.name, User)
        .outerjoin(Checkpoint, ScanLog.checkpoint_id == Checkpoint.id)
        .outerjoin(User, ScanLog.user_id == User.id)
        .where(ScanLog.registration_id == registration.id,
               ScanLog.verdict.in_(list(_SCAN_ACTIONS)))
        .order_by(ScanLog.scanned_at, ScanLog.id)
    )
    for scan, checkpoint, user in scans:
        lines.append(HistoryLine(at=scan.scanned_at, user=user,
                                 action=_SCAN_ACTIONS[scan.verdict], checkpoint=checkpoint or "",
                                 offline=scan.offline, entry_at=_undone_entry_at(scan)))
    # A stable sort: at the same instant, changes stay before scans.
    return sorted(lines, key=lambda line: line.at)


def _undone_entry_at(scan: ScanLog) -> dt.datetime | None:
    if scan.verdict != "undone":
        return None
    try:
        value = json.loads(scan.details or "{}").get("checked_in_at")
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
