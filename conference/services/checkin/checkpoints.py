"""Checkpoints (entrances and workshop doors) and the name search of the scanner page."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from conference.extensions import db
from conference.models import Checkpoint, Event, Registration, Session, SessionStatus
from conference.services import DomainError


class CheckpointError(DomainError):
    code = "checkpoint_error"


def ensure_checkpoints(event: Event) -> list[Checkpoint]:
    """An entrance (named in the event's language) and one checkpoint per scheduled bookable
    workshop; flushes. Idempotent."""
    existing = db.session.execute(
        db.select(Checkpoint).filter_by(event_id=event.id)
    ).scalars().all()
    if not any(c.is_entrance for c in existing):
        with force_locale(event.language):  # a name door staff and organizers read
            name = gettext("Main entrance")
        db.session.add(Checkpoint(event_id=event.id, name=name, position=0))
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
        raise CheckpointError("name required", field="name")
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
