"""Checkpoints (entrances and workshop doors) and the name search of the scanner page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from conference.content import (
    LocalizedText,
    add_missing_languages,
    clean_text,
    text_in_languages,
)
from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckinRule,
    Checkpoint,
    Event,
    Registration,
    Role,
    Session,
    SessionStatus,
    User,
)
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.checkin.core import rule_day_key
from conference.services.registration.search import matches_search, search_words


class CheckpointError(DomainError):
    code = "checkpoint_error"


def _main_entrance_name() -> str:
    return gettext("Main entrance")


def _shortened(text: LocalizedText, length: int) -> LocalizedText:
    return LocalizedText({code: value[:length] for code, value in
                          LocalizedText(text).translations().items()})


def name_entrances_in(event: Event) -> None:
    """After the event's languages changed: entrances the system named get its name in the
    new languages, unless the organizers renamed them. Flushes nothing."""
    entrances = db.session.execute(
        db.select(Checkpoint).filter_by(event_id=event.id, session_id=None)
    ).scalars()
    for checkpoint in entrances:
        name = add_missing_languages(checkpoint.name, event.content_languages,
                                     _main_entrance_name)
        if name is not None:
            checkpoint.name = name


def ensure_checkpoints(event: Event) -> list[Checkpoint]:
    """An entrance (named in each of the event's languages) and one checkpoint per scheduled
    bookable workshop (named as the session, in its languages); flushes. Idempotent."""
    existing = db.session.execute(
        db.select(Checkpoint).filter_by(event_id=event.id)
    ).scalars().all()
    name_entrances_in(event)  # made before the event had its present languages
    if not any(c.is_entrance for c in existing):
        # A name door staff, organizers and attendees read, in each of the event's languages.
        name = text_in_languages(event.content_languages, _main_entrance_name)
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
            db.session.add(Checkpoint(event_id=event.id, name=_shortened(session.title, 120),
                                      session_id=session.id, position=position))
    db.session.flush()
    return checkpoints_of(event)


def add_entrance(event: Event, name: LocalizedText | str) -> Checkpoint:
    """Another entrance (e.g. "Gate 2"); entries at all entrances count together."""
    name = _shortened(clean_text(name), 120)
    if not name:
        raise CheckpointError("name required", field="name")
    checkpoint = Checkpoint(event_id=event.id, name=name, position=1)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def set_checkin_rule(event: Event, checkpoint: Checkpoint | None,
                     rule: CheckinRule | str | None) -> None:
    """How often a badge may pass: ``once`` (for the whole event), ``daily`` or
    ``unlimited``. All entrances count as one entry, so they share one rule, the event's:
    ``checkpoint`` None or an entrance sets it. A workshop checkpoint gets its own rule, or
    the event's again with ``rule`` None. Flushes."""
    if rule is not None and not isinstance(rule, CheckinRule):
        try:
            rule = CheckinRule(rule)
        except ValueError:
            raise CheckpointError("unknown check-in rule", field="rule") from None
    if checkpoint is not None and checkpoint.event_id != event.id:
        raise CheckpointError("checkpoint of another event")
    if checkpoint is None or checkpoint.is_entrance:
        if rule is None:
            raise CheckpointError("the entrances need a rule", field="rule")
        event.checkin_rule = rule
    else:
        checkpoint.checkin_rule = rule
    db.session.flush()


def door_landing(user: User) -> Checkpoint | None:
    """Where a door-staff account starts after login: the first entrance of its one event
    (None for other roles, several events or an event without an entrance yet)."""
    if user.role is not Role.DOOR or user.is_superuser:
        return None
    events = [event for event in user.events if user.can_check_in(event)]
    if len(events) != 1:
        return None
    entrances = [c for c in checkpoints_of(events[0]) if c.is_entrance]
    return entrances[0] if entrances else None


def checkpoints_of(event: Event, *, active_only: bool = True) -> list[Checkpoint]:
    query = db.select(Checkpoint).filter_by(event_id=event.id)
    if active_only:
        query = query.filter_by(active=True)
    return list(db.session.execute(
        query.order_by(Checkpoint.position, Checkpoint.id)
    ).scalars())


# ---------------------------------------------------------------------------------------
# Name search (forgotten badge)


@dataclass
class SearchHit:
    """A registration found by the door's name search, with its entry (if any) under the
    checkpoint's rule, so the door sees who is already in."""

    registration: Registration
    entered_at: dt.datetime | None = None
    entered_checkpoint: str | None = None


def search_registrations(event: Event, query: str, *, checkpoint: Checkpoint | None = None,
                         now: dt.datetime | None = None, limit: int = 10) -> list[SearchHit]:
    """Registrations of the event whose name, organisation or email contains every word of
    ``query``, ignoring case and diacritics ("gesla" finds "Gęślą"). With ``checkpoint``,
    each hit carries the entry that would make a scan there "already checked in"."""
    words = search_words(query, limit=4)
    if not words or sum(len(w) for w in words) < 2:
        return []
    registrations = db.session.execute(
        db.select(Registration).where(Registration.event_id == event.id,
                                      *matches_search(words))
        .options(sa.orm.joinedload(Registration.ticket_type))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
        .limit(limit)
    ).scalars().all()
    hits = [SearchHit(r) for r in registrations]
    if checkpoint is None or not hits:
        return hits
    now = now or utcnow()
    day_key = rule_day_key(checkpoint.rule, event.tz, now)
    if day_key is None:  # unlimited: nobody is ever "already in"
        return hits
    entries = {
        entry.registration_id: entry for entry in db.session.execute(
            db.select(CheckIn).where(
                CheckIn.registration_id.in_([h.registration.id for h in hits]),
                CheckIn.scope == checkpoint.scope, CheckIn.day_key == day_key)
            .options(sa.orm.joinedload(CheckIn.checkpoint))
        ).scalars()
    }
    for hit in hits:
        entry = entries.get(hit.registration.id)
        if entry is not None:
            hit.entered_at = entry.checked_in_at
            hit.entered_checkpoint = entry.checkpoint.name
    return hits


def masked_email(email: str) -> str:
    """Enough of an email to tell two people of the same name apart, too little to write to
    them: ``jan.kowalski@uj.edu.pl`` -> ``j***@u***.pl``."""
    local, _, domain = (email or "").partition("@")
    if not local or not domain:
        return "***"
    name, _, tld = domain.rpartition(".")
    if not name:
        return f"{local[0]}***@{domain[0]}***"
    return f"{local[0]}***@{name[0]}***.{tld}"
