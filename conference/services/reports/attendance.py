"""Attendance sheets (lista obecności) per day and per session, from the check-in records:
who really came, sorted by last name, with their first check-in time there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from conference.extensions import db
from conference.folding import fold
from conference.models import CheckIn, Event, Registration, Session
from conference.models.checkin import scope_of


@dataclass(frozen=True)
class SheetRow:
    """One person on an attendance sheet."""

    first_name: str
    last_name: str
    organization: str
    country: str
    organisation_type: str
    #: Their first check-in on that day or in that session (UTC).
    checked_in_at: dt.datetime


def _day_bounds(event: Event, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tz)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _sheet(*where) -> list[SheetRow]:
    first = sa.func.min(CheckIn.checked_in_at).label("first_at")
    rows = db.session.execute(
        sa.select(Registration.first_name, Registration.last_name, Registration.organization,
                  Registration.country, Registration.organisation_type, first)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(*where)
        .group_by(Registration.id, Registration.first_name, Registration.last_name,
                  Registration.organization, Registration.country,
                  Registration.organisation_type)).all()
    people = [SheetRow(*row[:5], checked_in_at=_aware(row[5])) for row in rows]
    people.sort(key=lambda p: (fold(p.last_name), fold(p.first_name), p.organization))
    return people


def _aware(value: dt.datetime) -> dt.datetime:
    # MIN() over a UTC column comes back naive on SQLite.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def day_sheet(event: Event, day: dt.date) -> list[SheetRow]:
    """Everyone checked in anywhere (entrance or session) on ``day`` (event-local)."""
    start, end = _day_bounds(event, day)
    return _sheet(CheckIn.event_id == event.id, CheckIn.checked_in_at >= start,
                  CheckIn.checked_in_at < end)


def session_sheet(session: Session) -> list[SheetRow]:
    """Everyone checked in at the session's own checkpoint."""
    return _sheet(CheckIn.event_id == session.event_id,
                  CheckIn.scope == scope_of(session.id))


def checked_in_sessions(event: Event) -> list[Session]:
    """Sessions with check-ins (workshops with their own checkpoint), in programme order."""
    scopes = sa.select(CheckIn.scope).where(CheckIn.event_id == event.id,
                                            CheckIn.scope != "entrance").distinct()
    ids = {int(scope.split(":", 1)[1]) for scope in db.session.execute(scopes).scalars()
           if scope.startswith("session:")}
    if not ids:
        return []
    return list(db.session.execute(
        sa.select(Session).where(Session.id.in_(ids))
        .order_by(Session.starts_at, Session.id)).scalars())
