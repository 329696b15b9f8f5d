"""Live check-in numbers for the organizers' dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckinRule,
    Checkpoint,
    Event,
    Registration,
    RegistrationState,
    SeatBooking,
    TicketType,
)
from conference.models.checkin import ENTRANCE_SCOPE
from conference.models.types import utcnow

BIN = dt.timedelta(minutes=15)


@dataclass
class Row:
    label: str
    checked_in: int
    expected: int | None

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.expected) if self.expected else 0


@dataclass
class ArrivalBin:
    starts_at: dt.datetime
    count: int


@dataclass
class CheckinStats:
    day: dt.date
    #: "today" numbers (DAILY/UNLIMITED) or numbers for the whole event (ONCE).
    whole_event: bool
    total: Row
    by_ticket_type: list[Row] = field(default_factory=list)
    by_checkpoint: list[Row] = field(default_factory=list)
    arrivals: list[ArrivalBin] = field(default_factory=list)

    @property
    def busiest(self) -> int:
        return max((b.count for b in self.arrivals), default=0)


def stats_day(event: Event, now: dt.datetime) -> dt.date:
    """The day the dashboard shows: today during the event, else the day of the latest
    check-in (a rehearsal, or looking back), else the nearest event day."""
    today = now.astimezone(event.tz).date()
    if event.starts_on <= today <= event.ends_on:
        return today
    latest = db.session.execute(
        db.select(sa.func.max(CheckIn.checked_in_at)).where(CheckIn.event_id == event.id)
    ).scalar()
    if latest is not None:
        if latest.tzinfo is None:  # SQLite aggregates lose the column type
            latest = latest.replace(tzinfo=dt.UTC)
        return latest.astimezone(event.tz).date()
    return min(max(today, event.starts_on), event.ends_on)


def checkin_stats(event: Event, *, now: dt.datetime | None = None) -> CheckinStats:
    """Checked in / expected in total, by ticket type and by checkpoint, and arrivals per 15
    minutes at the entrances on the dashboard's day."""
    now = now or utcnow()
    day = stats_day(event, now)
    whole_event = event.checkin_rule is CheckinRule.ONCE
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tz)
    day_end = day_start + dt.timedelta(days=1)

    def entries(scope_filter):
        query = db.select(CheckIn).where(CheckIn.event_id == event.id, scope_filter)
        if not whole_event:
            query = query.where(CheckIn.checked_in_at >= day_start,
                                CheckIn.checked_in_at < day_end)
        return query

    entrance = entries(CheckIn.scope == ENTRANCE_SCOPE).subquery()
    expected_by_type = dict(db.session.execute(
        db.select(Registration.ticket_type_id, sa.func.count(Registration.id))
        .where(Registration.event_id == event.id,
               Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.ticket_type_id)
    ).all())
    in_by_type = dict(db.session.execute(
        db.select(Registration.ticket_type_id,
                  sa.func.count(sa.distinct(entrance.c.registration_id)))
        .join(entrance, entrance.c.registration_id == Registration.id)
        .group_by(Registration.ticket_type_id)
    ).all())
    ticket_types = db.session.execute(
        db.select(TicketType).filter_by(event_id=event.id).order_by(TicketType.position,
                                                                    TicketType.id)
    ).scalars().all()
    by_type = [Row(t.name, in_by_type.get(t.id, 0), expected_by_type.get(t.id, 0))
               for t in ticket_types]
    total = Row("", sum(in_by_type.values()), sum(expected_by_type.values()))

    all_scopes = entries(sa.true()).subquery()
    in_by_checkpoint = dict(db.session.execute(
        db.select(all_scopes.c.checkpoint_id, sa.func.count(all_scopes.c.id))
        .group_by(all_scopes.c.checkpoint_id)
    ).all())
    bookings = dict(db.session.execute(
        db.select(SeatBooking.session_id, sa.func.count(SeatBooking.id))
        .join(Checkpoint, Checkpoint.session_id == SeatBooking.session_id)
        .where(Checkpoint.event_id == event.id).group_by(SeatBooking.session_id)
    ).all())
    checkpoints = db.session.execute(
        db.select(Checkpoint).filter_by(event_id=event.id)
        .order_by(Checkpoint.position, Checkpoint.id)
    ).scalars().all()
    by_checkpoint = [
        Row(c.name, in_by_checkpoint.get(c.id, 0),
            bookings.get(c.session_id, 0) if c.session_id else None)
        for c in checkpoints
    ]

    times = db.session.execute(
        db.select(CheckIn.checked_in_at).where(
            CheckIn.event_id == event.id, CheckIn.scope == ENTRANCE_SCOPE,
            CheckIn.checked_in_at >= day_start, CheckIn.checked_in_at < day_end)
    ).scalars().all()
    return CheckinStats(day, whole_event, total, by_type, by_checkpoint,
                        arrivals_per_bin(times, event))


def arrivals_per_bin(times: list[dt.datetime], event: Event) -> list[ArrivalBin]:
    """Counts per 15 minutes (event-local clock) from the first to the last arrival."""
    if not times:
        return []
    local = sorted(t.astimezone(event.tz) for t in times)

    def floor(t: dt.datetime) -> dt.datetime:
        return t.replace(minute=t.minute - t.minute % 15, second=0, microsecond=0)

    start, end = floor(local[0]), floor(local[-1])
    counts: dict[dt.datetime, int] = {}
    for t in local:
        counts[floor(t)] = counts.get(floor(t), 0) + 1
    bins = []
    at = start
    while at <= end and len(bins) < 96:
        bins.append(ArrivalBin(at, counts.get(at, 0)))
        at = (at.astimezone(dt.UTC) + BIN).astimezone(event.tz)
    return bins


def recent_check_ins(event: Event, limit: int = 25) -> list[CheckIn]:
    return list(db.session.execute(
        db.select(CheckIn).filter_by(event_id=event.id)
        .options(sa.orm.joinedload(CheckIn.registration), sa.orm.joinedload(CheckIn.checkpoint))
        .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc()).limit(limit)
    ).scalars())
