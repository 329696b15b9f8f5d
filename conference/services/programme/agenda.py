"""The attendee's personal agenda: starred sessions and the private calendar feed."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.content import localized_sort
from conference.extensions import db
from conference.models import (
    AgendaFeed,
    Event,
    Registration,
    RegistrationState,
    Room,
    Session,
    StarredSession,
)
from conference.security import SECRET_MAX_LENGTH, find_by_secret, secrets_equal
from conference.services import DomainError

#: Registrations in these states may keep a personal agenda.
AGENDA_STATES = (RegistrationState.CONFIRMED, RegistrationState.PENDING,
                 RegistrationState.WAITLISTED)


class AgendaError(DomainError):
    code = "agenda_error"


class NotStarrable(AgendaError):
    code = "not_available"


def listed_sessions(event: Event) -> list[Session]:
    """The public programme: public, scheduled sessions (cancelled ones included, marked)."""
    return list(
        db.session.execute(
            db.select(Session)
            .outerjoin(Room, Session.room_id == Room.id)
            .where(
                Session.event_id == event.id,
                Session.is_public.is_(True),
                Session.starts_at.is_not(None),
                Session.ends_at.is_not(None),
            )
            .order_by(Session.starts_at, Room.position, localized_sort(Room.name), Session.id)
            .options(selectinload(Session.speakers), selectinload(Session.track),
                     selectinload(Session.room))
        ).scalars()
    )


def listed_session_or_none(event: Event, session_id: int) -> Session | None:
    """A session shown in the public programme, or None."""
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or not session.is_listed:
        return None
    return session


def star_session(registration: Registration, session: Session) -> bool:
    """Put a public session on the attendee's agenda; False when it already was there."""
    if session.event_id != registration.event_id or not session.is_listed:
        raise NotStarrable(_l("This session is not in the programme."))
    if registration.state not in AGENDA_STATES:
        raise NotStarrable(_l("Your registration is not active."))
    if db.session.get(StarredSession, (registration.id, session.id)) is not None:
        return False
    db.session.add(StarredSession(registration_id=registration.id, session_id=session.id))
    db.session.flush()
    return True


def unstar_session(registration: Registration, session: Session) -> bool:
    """Take a session off the agenda; False when it was not there."""
    star = db.session.get(StarredSession, (registration.id, session.id))
    if star is None:
        return False
    db.session.delete(star)
    db.session.flush()
    return True


def starred_ids(registration: Registration) -> set[int]:
    return set(
        db.session.execute(
            db.select(StarredSession.session_id).where(
                StarredSession.registration_id == registration.id)
        ).scalars()
    )


def starred_sessions(registration: Registration) -> list[Session]:
    """The attendee's starred sessions that are still listed, in time order."""
    return list(
        db.session.execute(
            db.select(Session)
            .join(StarredSession, StarredSession.session_id == Session.id)
            .where(
                StarredSession.registration_id == registration.id,
                Session.is_public.is_(True),
                Session.starts_at.is_not(None),
            )
            .order_by(Session.starts_at, Session.id)
        ).scalars()
    )


def feed_for(registration: Registration) -> AgendaFeed:
    """The attendee's calendar-feed secret, created on first use (the caller commits)."""
    feed = db.session.get(AgendaFeed, registration.id)
    if feed is None:
        feed = AgendaFeed(registration_id=registration.id)
        db.session.add(feed)
        db.session.flush()
    return feed


def registration_for_feed(event: Event, token: str) -> Registration | None:
    """The registration whose feed secret is ``token`` (constant-time compare), or None."""
    if not token or len(token) > SECRET_MAX_LENGTH:
        return None
    feed = db.session.execute(
        db.select(AgendaFeed).where(AgendaFeed.token == token)
    ).scalar_one_or_none()
    if feed is None or not secrets_equal(token, feed.token):
        return None
    registration = feed.registration
    if registration.event_id != event.id or registration.state not in AGENDA_STATES:
        return None
    return registration


def registration_for_token(event: Event, token: str) -> Registration | None:
    """The registration of the private link ``token`` in ``event``, or None."""
    return find_by_secret(Registration, event, token)


def now_and_next(sessions: list[Session], now: dt.datetime) -> tuple[list[Session], list[Session]]:
    """For the hall screens: sessions running at ``now``, and the next one in each room.

    Cancelled sessions are left out; "next" is the first later session of each room
    (sessions without a room count as one room).
    """
    active = [s for s in sessions if s.is_scheduled and not s.is_cancelled]
    running = [s for s in active if s.starts_at <= now < s.ends_at]
    upcoming = sorted((s for s in active if s.starts_at > now), key=lambda s: s.starts_at)
    following: list[Session] = []
    seen_rooms: set = set()
    for s in upcoming:
        key = s.room_id
        if key in seen_rooms:
            continue
        seen_rooms.add(key)
        following.append(s)
    return running, following
