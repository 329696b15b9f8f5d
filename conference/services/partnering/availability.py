"""Who is busy when: slots a person marked unavailable, and slots their programme fills.

The programme counts as busy where it overlaps a slot: workshops the person booked a
seat in, sessions they starred, and sessions they speak in (a speaker of the event with
the registration's email address). Cancelled and unscheduled sessions do not count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    MeetingRequest,
    PartneringProfile,
    PartneringSlot,
    PartneringUnavailability,
    Registration,
    RequestState,
    SeatBooking,
    Session,
    SessionStatus,
    Speaker,
    StarredSession,
)
from conference.models.agenda import session_speakers
from conference.services.partnering.errors import NotAParticipant, UnknownSlot


def busy_slots(profile: PartneringProfile, slots: Iterable[PartneringSlot]) -> set[int]:
    """The ids of ``slots`` in which ``profile`` cannot meet (marked, or in the programme)."""
    slots = list(slots)
    return busy_by_profile(profile.event_id, [profile], slots).get(profile.id, set())


def busy_by_profile(event_id: int, profiles: list[PartneringProfile],
                    slots: list[PartneringSlot]) -> dict[int, set[int]]:
    """profile id -> busy slot ids, for many profiles at once (a few queries in all)."""
    if not profiles or not slots:
        return {}
    busy: dict[int, set[int]] = defaultdict(set)
    slot_ids = {slot.id for slot in slots}
    for profile_id, slot_id in _marked(profiles):
        if slot_id in slot_ids:
            busy[profile_id].add(slot_id)
    for profile_id, conflicts in programme_conflicts(event_id, profiles, slots).items():
        busy[profile_id].update(conflicts)
    return dict(busy)


def marked_unavailable(profile: PartneringProfile) -> set[int]:
    """The slots the person marked themselves."""
    return {slot_id for _, slot_id in _marked([profile])}


def programme_conflicts(event_id: int, profiles: list[PartneringProfile],
                        slots: list[PartneringSlot]) -> dict[int, dict[int, Session]]:
    """profile id -> {slot id: a programme session of theirs overlapping that slot}."""
    by_registration = {profile.registration_id: profile.id for profile in profiles}
    sessions: dict[int, list[Session]] = defaultdict(list)
    for registration_id, session in _programme(event_id, list(by_registration)):
        sessions[by_registration[registration_id]].append(session)
    found: dict[int, dict[int, Session]] = {}
    ordered = sorted(slots, key=lambda slot: slot.starts_at)
    for profile_id, own in sessions.items():
        for session in own:
            for slot in ordered:
                if session.starts_at < slot.ends_at and slot.starts_at < session.ends_at:
                    found.setdefault(profile_id, {}).setdefault(slot.id, session)
    return found


def _marked(profiles: list[PartneringProfile]) -> list[tuple[int, int]]:
    return list(db.session.execute(
        db.select(PartneringUnavailability.profile_id, PartneringUnavailability.slot_id)
        .where(PartneringUnavailability.profile_id.in_([p.id for p in profiles]))).all())


def _programme(event_id: int, registration_ids: list[int]) -> list[tuple[int, Session]]:
    """(registration id, session) for booked, starred and spoken-in sessions."""
    live = sa.and_(Session.event_id == event_id, Session.starts_at.is_not(None),
                   Session.ends_at.is_not(None), Session.status != SessionStatus.CANCELLED)
    booked = (db.select(SeatBooking.registration_id, Session)
              .join(Session, Session.id == SeatBooking.session_id)
              .where(SeatBooking.registration_id.in_(registration_ids), live))
    starred = (db.select(StarredSession.registration_id, Session)
               .join(Session, Session.id == StarredSession.session_id)
               .where(StarredSession.registration_id.in_(registration_ids), live))
    spoken = (db.select(Registration.id, Session)
              .join(Speaker, sa.and_(Speaker.event_id == Registration.event_id,
                                     sa.func.lower(Speaker.email)
                                     == sa.func.lower(Registration.email)))
              .join(session_speakers, session_speakers.c.speaker_id == Speaker.id)
              .join(Session, Session.id == session_speakers.c.session_id)
              .where(Registration.id.in_(registration_ids), live))
    rows: list[tuple[int, Session]] = []
    for query in (booked, starred, spoken):
        rows.extend((registration_id, session)
                    for registration_id, session in db.session.execute(query).all())
    return rows


def save_unavailability(profile: PartneringProfile, slot_ids: Iterable[int]) -> set[int]:
    """Replace the person's marks with ``slot_ids`` (slots of their event only, else
    UnknownSlot); returns the marked set. Flushes; the caller commits."""
    if not profile.is_active:
        raise NotAParticipant(str(_l("You have left partnering.")))
    wanted = set(slot_ids)
    known = set(db.session.execute(
        db.select(PartneringSlot.id).where(PartneringSlot.event_id == profile.event_id,
                                           PartneringSlot.id.in_(wanted))).scalars()) \
        if wanted else set()
    if wanted - known:
        raise UnknownSlot(str(_l("One of the chosen slots does not exist (any more); "
                                 "reload the page and choose again.")))
    current = marked_unavailable(profile)
    if current - wanted:
        db.session.execute(db.delete(PartneringUnavailability).where(
            PartneringUnavailability.profile_id == profile.id,
            PartneringUnavailability.slot_id.in_(current - wanted)))
    db.session.add_all(PartneringUnavailability(profile_id=profile.id, slot_id=slot_id)
                       for slot_id in sorted(wanted - current))
    db.session.flush()
    return wanted


def meetings_in_marked_slots(profile: PartneringProfile) -> list[MeetingRequest]:
    """The person's placed meetings in slots they marked unavailable (marked after the
    meeting was placed): they stay until moved, cancelled or the scheduler runs again, so
    the person is told which ones."""
    marked = marked_unavailable(profile)
    if not marked:
        return []
    return list(db.session.execute(
        db.select(MeetingRequest).where(
            MeetingRequest.state == RequestState.ACCEPTED,
            MeetingRequest.slot_id.in_(marked),
            sa.or_(MeetingRequest.requester_id == profile.id,
                   MeetingRequest.recipient_id == profile.id))
        .order_by(MeetingRequest.slot_id)).scalars())
