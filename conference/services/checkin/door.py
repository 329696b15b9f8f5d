"""The scan API's door: the login session, the account's right to check people in and the
scan point, read with one query (the API's busiest request skips the ORM), and autocommit
for scans."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa

from conference.extensions import db
from conference.models import CheckinRule, Event, LoginSession, Registration, Session, User
from conference.models.accounts import may_check_in
from conference.models.events import event_staff
from conference.models.types import utcnow
from conference.services.checkin import sql as checkin_sql
from conference.services.checkin.core import ScanPoint
from conference.services.sessions import SessionLimits, hash_secret, is_live, touch


@dataclass(frozen=True)
class DoorAccess:
    """What the scan API knows after its one query: whether the login session is live,
    whether the account may check people in at the event, and the scan point."""

    logged_in: bool
    event_found: bool
    allowed: bool
    point: ScanPoint | None


@functools.cache
def _door_query() -> sa.Select:
    users, events, places = User.__table__, Event.__table__, checkin_sql.CHECKPOINTS
    sessions, logins = Session.__table__, LoginSession.__table__
    assigned = sa.exists().where(event_staff.c.user_id == users.c.id,
                                 event_staff.c.event_id == events.c.id)
    return (
        sa.select(
            logins.c.id.label("login_id"), logins.c.created_at.label("login_created_at"),
            logins.c.last_seen_at.label("login_last_seen_at"),
            logins.c.ended_at.label("login_ended_at"),
            users.c.active, users.c.role, users.c.is_superuser,
            assigned.label("assigned"), events.c.id.label("event_id"), events.c.timezone,
            sa.func.coalesce(places.c.checkin_rule, events.c.checkin_rule)
            .label("checkin_rule"), events.c.requires_payment,
            places.c.id.label("checkpoint_id"),
            places.c.session_id, places.c.active.label("checkpoint_active"),
            sessions.c.seat_capacity,
        )
        .select_from(
            users.join(logins, sa.and_(logins.c.user_id == users.c.id,
                                       logins.c.secret_hash == sa.bindparam("secret_hash")))
            .outerjoin(events, events.c.slug == sa.bindparam("slug"))
            .outerjoin(places, sa.and_(places.c.id == sa.bindparam("checkpoint"),
                                       places.c.event_id == events.c.id))
            .outerjoin(sessions, sessions.c.id == places.c.session_id)
        )
        .where(users.c.id == sa.bindparam("user_id"))
    )


def door_access(slug: str, checkpoint_id: int | None, user_id: int, secret: str, *,
                now: dt.datetime | None = None,
                limits: SessionLimits | None = None) -> DoorAccess | None:
    """The login session ``secret`` of account ``user_id`` (None if there is no such login),
    the account's right to check people in at the event ``slug`` and, if the event has it,
    the checkpoint ``checkpoint_id``. A live login's last-seen time is refreshed when due."""
    row = db.session.execute(
        _door_query(), {"slug": slug, "checkpoint": checkpoint_id, "user_id": user_id,
                        "secret_hash": hash_secret(secret)}
    ).first()
    if row is None:
        return None
    now = now or utcnow()
    logged_in = row.active and is_live(
        row.login_created_at, row.login_last_seen_at, row.login_ended_at, now=now,
        limits=limits or SessionLimits.from_config())
    if logged_in:
        touch(row.login_id, row.login_last_seen_at, now=now)
    point = None
    if row.checkpoint_id is not None:
        point = ScanPoint(
            event_id=row.event_id, timezone=row.timezone, rule=CheckinRule(row.checkin_rule),
            requires_payment=row.requires_payment, checkpoint_id=row.checkpoint_id,
            session_id=row.session_id,
            needs_seat=row.seat_capacity is not None, active=row.checkpoint_active,
        )
    return DoorAccess(
        logged_in=logged_in,
        event_found=row.event_id is not None,
        allowed=row.event_id is not None and may_check_in(row.role, row.is_superuser,
                                                          row.assigned),
        point=point,
    )


def ticket_code_of(event_id: int, registration_id: int) -> str | None:
    """The code of a registration of the event (a scan after the name search)."""
    return db.session.execute(
        sa.select(Registration.ticket_code).where(
            Registration.id == registration_id, Registration.event_id == event_id)
    ).scalar_one_or_none()


def autocommit_scans() -> None:
    """On PostgreSQL a scan is one statement, atomic on its own: a request that only scans
    runs without BEGIN and COMMIT round trips. Call before the request's first query."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


