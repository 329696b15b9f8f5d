"""What an attendee attended, read from the check-in records.

- **Days**: the event-local dates on which the person was checked in anywhere (an entrance
  or a workshop checkpoint).
- **Sessions**: the sessions with a checkpoint of their own (workshops) where the person
  was checked in.
- **Hours**: the length of the union of (a) the sessions attended and (b) on each day
  attended, the programme open to everyone in the building: scheduled sessions that are not
  workshops, need no seat booking and have no checkpoint of their own, breaks excluded.
  Overlapping sessions (parallel tracks) count once. The PDF says so in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from conference.extensions import db
from conference.models import (
    CheckIn,
    Checkpoint,
    Event,
    Registration,
    ReleaseRule,
    Session,
    SessionStatus,
    SessionType,
)


@dataclasses.dataclass
class Attendance:
    days: list[dt.date] = dataclasses.field(default_factory=list)
    sessions: list[Session] = dataclasses.field(default_factory=list)
    minutes: int = 0

    def meets(self, rule: ReleaseRule, minimum: int) -> bool:
        """Whether this attendance earns a certificate under ``rule``."""
        if rule is ReleaseRule.DAYS:
            return len(self.days) >= minimum
        if rule is ReleaseRule.SESSIONS:
            return len(self.sessions) >= minimum
        return bool(self.days)


def attendance_by_registration(event: Event, registration_ids: Iterable[int] | None = None
                               ) -> dict[int, Attendance]:
    """The attendance of everyone checked in at ``event`` (or of ``registration_ids``)."""
    query = (db.select(CheckIn.registration_id, CheckIn.checked_in_at, Checkpoint.session_id)
             .join(Checkpoint, CheckIn.checkpoint_id == Checkpoint.id)
             .where(CheckIn.event_id == event.id))
    if registration_ids is not None:
        query = query.where(CheckIn.registration_id.in_(list(registration_ids)))
    days: dict[int, set[dt.date]] = defaultdict(set)
    attended: dict[int, set[int]] = defaultdict(set)
    for registration_id, checked_in_at, session_id in db.session.execute(query):
        days[registration_id].add(checked_in_at.astimezone(event.tz).date())
        if session_id is not None:
            attended[registration_id].add(session_id)
    if not days:
        return {}
    sessions = {s.id: s for s in db.session.execute(
        db.select(Session).where(Session.event_id == event.id)).scalars()}
    ticketed = set(db.session.execute(
        db.select(Checkpoint.session_id).where(Checkpoint.event_id == event.id,
                                               Checkpoint.session_id.is_not(None))).scalars())
    open_by_day = _open_programme_by_day(event, sessions.values(), ticketed)
    result = {}
    for registration_id, dates in days.items():
        own = sorted((sessions[i] for i in attended[registration_id] if i in sessions),
                     key=_session_order)
        spans = [span for day in dates for span in open_by_day.get(day, [])]
        spans += [(s.starts_at, s.ends_at) for s in own if _timed(s)]
        result[registration_id] = Attendance(days=sorted(dates), sessions=own,
                                              minutes=_union_minutes(spans))
    return result


def attendance_of(registration: Registration) -> Attendance:
    return attendance_by_registration(registration.event, [registration.id]).get(
        registration.id, Attendance())


def _timed(session: Session) -> bool:
    return (session.starts_at is not None and session.ends_at is not None
            and session.ends_at > session.starts_at)


def _session_order(session: Session):
    return (session.starts_at or dt.datetime.max.replace(tzinfo=dt.UTC), session.id)


def _open_programme_by_day(event: Event, sessions: Iterable[Session], ticketed: set[int]
                           ) -> dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]:
    by_day: dict[dt.date, list] = defaultdict(list)
    for session in sessions:
        if (session.id in ticketed or not _timed(session) or session.needs_booking
                or session.session_type is SessionType.WORKSHOP
                or session.status is SessionStatus.CANCELLED
                or session.session_type is SessionType.BREAK):
            continue
        by_day[session.starts_at.astimezone(event.tz).date()].append(
            (session.starts_at, session.ends_at))
    return by_day


def _union_minutes(spans: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """Total length of the union of the time spans, in whole minutes."""
    total = dt.timedelta()
    end = None
    start = None
    for span_start, span_end in sorted(spans):
        if end is None or span_start > end:
            if end is not None:
                total += end - start
            start, end = span_start, span_end
        else:
            end = max(end, span_end)
    if end is not None:
        total += end - start
    return int(total.total_seconds() // 60)
