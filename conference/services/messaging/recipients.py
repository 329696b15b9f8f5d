"""Who an announcement goes to: one selection used by bulk messages and scheduled rules.

Attendees are chosen with the registrations list's filter (``RegistrationFilter``) plus a
booked session and a language; speakers and reviewers are audiences of their own. Each
address appears once, and addresses unsubscribed from the event are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    Event,
    RegistrationState,
    ReviewerAssignment,
    Role,
    SeatBooking,
    Session,
    SessionStatus,
    Speaker,
    User,
)
from conference.models.agenda import session_speakers
from conference.models.events import event_staff
from conference.models.registrations import Registration
from conference.services.messaging.unsubscribe import unsubscribed_addresses
from conference.services.registration.admin import (
    CHECKED_IN_ANY_DAY,
    CHECKED_IN_NOT_YET,
    RegistrationFilter,
)
from conference.services.registration.payment import PAYMENT_STATES

ATTENDEES = "attendees"
SPEAKERS = "speakers"
REVIEWERS = "reviewers"
AUDIENCE_KINDS = (ATTENDEES, SPEAKERS, REVIEWERS)
#: ``Audience.state`` besides a registration state: confirmed, pending or waiting.
ACTIVE_STATES = "active"


@dataclass(frozen=True)
class Audience:
    """A recipient selection, stored with bulk messages and rules (``as_params``)."""

    kind: str = ATTENDEES
    search: str = ""
    ticket_type_id: int | None = None
    #: A ``RegistrationState`` value, ``active``, or "" for every state.
    state: str = RegistrationState.CONFIRMED.value
    payment: str = ""
    #: ``any``, ``none`` or an event day (ISO date), as in the registrations list.
    checked_in: str = ""
    session_id: int | None = None
    language: str = ""

    def as_params(self) -> dict:
        return {"kind": self.kind, "search": self.search, "ticket_type_id": self.ticket_type_id,
                "state": self.state, "payment": self.payment, "checked_in": self.checked_in,
                "session_id": self.session_id, "language": self.language}

    @classmethod
    def from_params(cls, params: dict | None) -> Audience:
        params = params or {}
        known = {name: params[name] for name in cls.__dataclass_fields__ if name in params}
        return cls(**known)

    def registration_filter(self, event: Event) -> RegistrationFilter:
        flt = RegistrationFilter(search=self.search, ticket_type_id=self.ticket_type_id)
        if self.state == ACTIVE_STATES:
            flt.states = [RegistrationState.CONFIRMED, RegistrationState.PENDING,
                          RegistrationState.WAITLISTED]
        elif self.state in {s.value for s in RegistrationState}:
            flt.states = [RegistrationState(self.state)]
        if self.payment in PAYMENT_STATES:
            flt.payment = self.payment
        if self.checked_in in (CHECKED_IN_ANY_DAY, CHECKED_IN_NOT_YET):
            flt.checked_in = self.checked_in
        elif self.checked_in in {day.isoformat() for day in event.days}:
            flt.checked_in = dt.date.fromisoformat(self.checked_in)
        return flt


@dataclass
class Recipient:
    """One address to write to, with what its merge fields need."""

    email: str
    name: str
    locale: str
    registration_id: int | None = None
    registration_token: str = ""
    registration_created_at: dt.datetime | None = None
    speaker_token: str = ""
    #: Sessions of a per-session rule (filled by the scheduler).
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.email.strip().lower()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


def attendee_conditions(event: Event, audience: Audience) -> list:
    """The SQL conditions on ``Registration`` of an attendee audience."""
    conditions = audience.registration_filter(event).where(event)
    if audience.session_id is not None:
        conditions.append(sa.exists().where(SeatBooking.registration_id == Registration.id,
                                            SeatBooking.session_id == audience.session_id))
    if audience.language:
        conditions.append(Registration.locale == audience.language)
    return conditions


def _attendees(event: Event, audience: Audience) -> list[Recipient]:
    rows = db.session.execute(
        sa.select(Registration.id, Registration.email, Registration.first_name,
                  Registration.locale, Registration.token, Registration.created_at)
        .where(*attendee_conditions(event, audience)).order_by(Registration.id)
    ).all()
    return [Recipient(email=email, name=first_name, locale=locale or event.language,
                      registration_id=id_, registration_token=token,
                      registration_created_at=created_at)
            for id_, email, first_name, locale, token, created_at in rows]


def _speakers(event: Event, audience: Audience) -> list[Recipient]:
    """Speakers of the event's programme (with a session that is not cancelled)."""
    in_programme = sa.exists().where(
        session_speakers.c.speaker_id == Speaker.id,
        session_speakers.c.session_id == Session.id,
        Session.status != SessionStatus.CANCELLED)
    query = sa.select(Speaker).where(Speaker.event_id == event.id, in_programme)
    if audience.session_id is not None:
        query = query.where(sa.exists().where(session_speakers.c.speaker_id == Speaker.id,
                                              session_speakers.c.session_id ==
                                              audience.session_id))
    if audience.language:
        query = query.where(Speaker.locale == audience.language)
    return [Recipient(email=s.email, name=s.name, locale=s.locale or event.language,
                      speaker_token=s.token)
            for s in db.session.execute(query.order_by(Speaker.id)).scalars()]


def _reviewers(event: Event, audience: Audience) -> list[Recipient]:
    """Reviewers assigned to the event, and its staff with the reviewer role."""
    assigned = sa.select(ReviewerAssignment.user_id).where(
        ReviewerAssignment.event_id == event.id)
    staff = sa.select(event_staff.c.user_id).where(event_staff.c.event_id == event.id)
    users = db.session.execute(
        sa.select(User).where(User.active.is_(True), sa.or_(
            User.id.in_(assigned), sa.and_(User.id.in_(staff), User.role == Role.REVIEWER)))
        .order_by(User.id)
    ).scalars()
    language = audience.language
    if language and language != event.language:
        return []  # reviewers have no language of their own: they read the default's
    return [Recipient(email=u.email, name=u.name, locale=event.language) for u in users]


SELECTORS = {ATTENDEES: _attendees, SPEAKERS: _speakers, REVIEWERS: _reviewers}


@dataclass
class Selection:
    recipients: list[Recipient]
    #: Matching addresses left out because they unsubscribed from the event.
    unsubscribed: int = 0


def select_recipients(event: Event, audience: Audience) -> Selection:
    """The audience's addresses, each once (the first match wins), without the addresses
    unsubscribed from the event."""
    found = SELECTORS.get(audience.kind, _attendees)(event, audience)
    blocked = unsubscribed_addresses(event)
    seen: set[str] = set()
    recipients, unsubscribed = [], 0
    for recipient in found:
        if not recipient.key or recipient.key in seen:
            continue
        seen.add(recipient.key)
        if recipient.key in blocked:
            unsubscribed += 1
            continue
        recipients.append(recipient)
    return Selection(recipients, unsubscribed)


def sessions_to_choose(event: Event) -> list[Session]:
    """The event's sessions a group may be chosen by (those in the programme), by time."""
    return list(db.session.execute(
        sa.select(Session).where(Session.event_id == event.id,
                                 Session.status == SessionStatus.SCHEDULED)
        .order_by(Session.starts_at.is_(None), Session.starts_at, Session.id)).scalars())
