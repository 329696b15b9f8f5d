"""Partnering meetings on the day and afterwards: each person's agenda, the outcome marked
at the desk (held or no-show), and each side's rating.

A meeting is an accepted ``MeetingRequest`` with a slot and a table. Participants see
their meetings only once the organizer has published the schedule
(``PartneringSettings.published_at``); organizers and the desk see placements at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from conference.content import current_language, localize
from conference.extensions import db
from conference.models import (
    Event,
    MeetingOutcome,
    MeetingRating,
    MeetingRequest,
    PartneringProfile,
    PartneringSettings,
    PartneringSlot,
    Registration,
    RequestState,
)
from conference.models.partnering import REASON_MAX_LENGTH
from conference.models.types import utcnow
from conference.services.partnering.errors import (
    InvalidRating,
    MeetingNotPlaced,
    NotAParticipant,
    NotYourMeeting,
    RatingTooEarly,
)

#: A meeting counts as "now" at the desk from this long before its slot starts until this
#: long after it ends (people arrive early and run late).
DESK_MARGIN = dt.timedelta(minutes=10)
RATING_RANGE = range(1, 6)


def partnering_settings(event: Event) -> PartneringSettings | None:
    """The event's partnering settings row, or None when partnering was never set up."""
    return db.session.execute(
        db.select(PartneringSettings).filter_by(event_id=event.id)).scalar_one_or_none()


def list_label(event: Event, field: str, value: str, language: str | None = None) -> str:
    """A stored sector or cooperation type (``field`` is ``sectors`` or
    ``cooperation_types``; profiles store the line in the event's default language) in
    ``language`` (default: the page's): the line at the same place in that language's
    list, else the stored text."""
    settings = partnering_settings(event)
    if settings is None:
        return value
    text = getattr(settings, field)
    stored = [line.strip() for line in localize(text, event.language, event.language)
              .splitlines() if line.strip()]
    wanted = [line.strip() for line in localize(text, language or current_language()
                                                or event.language, event.language)
              .splitlines() if line.strip()]
    if value in stored and len(wanted) == len(stored):
        return wanted[stored.index(value)]
    return value


def is_published(event: Event) -> bool:
    """True once the organizer has published the meeting schedule."""
    settings = partnering_settings(event)
    return settings is not None and settings.published_at is not None


def active_profile(registration: Registration) -> PartneringProfile | None:
    """The registration's partnering profile if it joined and has not left."""
    return db.session.execute(
        db.select(PartneringProfile).filter_by(registration_id=registration.id, left_at=None)
    ).scalar_one_or_none()


def _placed_meetings() -> sa.Select:
    return (db.select(MeetingRequest)
            .join(PartneringSlot, PartneringSlot.id == MeetingRequest.slot_id)
            .where(MeetingRequest.state == RequestState.ACCEPTED,
                   MeetingRequest.table_number.is_not(None))
            .options(joinedload(MeetingRequest.slot),
                     *(joinedload(side).options(joinedload(PartneringProfile.registration),
                                                selectinload(PartneringProfile.needs))
                       for side in (MeetingRequest.requester, MeetingRequest.recipient)))
            .order_by(PartneringSlot.starts_at, MeetingRequest.table_number))


@dataclass
class AgendaEntry:
    """One meeting as its participant sees it."""

    meeting: MeetingRequest
    partner: PartneringProfile
    rating: MeetingRating | None
    can_rate: bool

    @property
    def slot(self) -> PartneringSlot:
        """The meeting's slot (always set: only placed meetings are listed)."""
        return self.meeting.slot  # type: ignore[return-value]

    @property
    def table(self) -> int:
        """The meeting's table number."""
        return self.meeting.table_number  # type: ignore[return-value]


def meetings_of(profile: PartneringProfile) -> list[MeetingRequest]:
    """The profile's placed meetings in time order (whether published or not)."""
    return list(db.session.execute(_placed_meetings().where(
        sa.or_(MeetingRequest.requester_id == profile.id,
               MeetingRequest.recipient_id == profile.id))).unique().scalars())


def agenda(profile: PartneringProfile, *, now: dt.datetime | None = None) -> list[AgendaEntry]:
    """The person's meeting agenda: empty until the schedule is published."""
    if not is_published(profile.event):
        return []
    now = now or utcnow()
    meetings = meetings_of(profile)
    ratings = {r.request_id: r for r in db.session.execute(
        db.select(MeetingRating).where(
            MeetingRating.profile_id == profile.id,
            MeetingRating.request_id.in_([m.id for m in meetings]))).scalars()}
    return [AgendaEntry(meeting=m, partner=m.other(profile.id), rating=ratings.get(m.id),
                        can_rate=may_rate(m, now)) for m in meetings]


def may_rate(meeting: MeetingRequest, now: dt.datetime) -> bool:
    """A meeting can be rated once its slot has started, or once it was marked held."""
    if meeting.state is not RequestState.ACCEPTED or meeting.slot is None:
        return False
    if meeting.outcome is MeetingOutcome.HELD:
        return True
    return meeting.outcome is None and meeting.slot.starts_at <= now


def rate_meeting(meeting: MeetingRequest, profile: PartneringProfile, *, rating: int,
                 follow_up: bool, comment: str = "",
                 now: dt.datetime | None = None) -> MeetingRating:
    """Save (or change) ``profile``'s rating of ``meeting`` (1-5), whether a follow-up is
    planned and a short comment. Only the two sides of a meeting whose slot has started
    (or that was marked held) may rate it; a no-show cannot be rated."""
    now = now or utcnow()
    if profile.left_at is not None:
        raise NotAParticipant()
    if profile.id not in (meeting.requester_id, meeting.recipient_id):
        raise NotYourMeeting()
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATING_RANGE:
        raise InvalidRating()
    if not may_rate(meeting, now):
        raise RatingTooEarly()
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX_LENGTH:
        raise InvalidRating("comment_too_long")
    existing = _rating_of(meeting, profile)
    if existing is None:
        # Two submissions of the first rating at once (a double click, two tabs): the
        # unique constraint lets one insert win; the other, in its savepoint, gives way
        # and updates the winner's row instead of failing.
        try:
            with db.session.begin_nested():
                existing = MeetingRating(request_id=meeting.id, profile_id=profile.id,
                                         created_at=now, rating=rating)
                db.session.add(existing)
        except IntegrityError:
            existing = _rating_of(meeting, profile)
            if existing is None:  # pragma: no cover - the winner's row is committed
                raise
    existing.rating = rating
    existing.follow_up = bool(follow_up)
    existing.comment = comment
    db.session.flush()
    return existing


def _rating_of(meeting: MeetingRequest, profile: PartneringProfile) -> MeetingRating | None:
    return db.session.execute(
        db.select(MeetingRating).filter_by(request_id=meeting.id, profile_id=profile.id)
    ).scalar_one_or_none()


def record_outcome(meeting: MeetingRequest, outcome: MeetingOutcome, *,
                   now: dt.datetime | None = None) -> MeetingRequest:
    """Mark a placed meeting as held or a no-show (the desk may correct it later)."""
    if meeting.state is not RequestState.ACCEPTED or meeting.slot_id is None:
        raise MeetingNotPlaced()
    meeting.outcome = outcome
    meeting.outcome_at = now or utcnow()
    db.session.flush()
    return meeting


def slot_meetings(event: Event, slot: PartneringSlot) -> list[MeetingRequest]:
    """The meetings placed in ``slot``, by table."""
    return list(db.session.execute(_placed_meetings().where(
        MeetingRequest.event_id == event.id, MeetingRequest.slot_id == slot.id)
    ).unique().scalars())


def event_meetings(event: Event) -> list[MeetingRequest]:
    """Every placed meeting of the event, by time and table."""
    return list(db.session.execute(_placed_meetings().where(
        MeetingRequest.event_id == event.id)).unique().scalars())


def current_slot(event: Event, now: dt.datetime | None = None) -> PartneringSlot | None:
    """The slot running at ``now`` (with the desk margin), else the next one today, else
    None. A slot that contains ``now`` wins over a neighbour's margin."""
    now = now or utcnow()
    slots = db.session.execute(
        db.select(PartneringSlot).where(
            PartneringSlot.event_id == event.id,
            PartneringSlot.ends_at > now - DESK_MARGIN)
        .order_by(PartneringSlot.starts_at)).scalars().all()
    for slot in slots:
        if slot.starts_at <= now < slot.ends_at:
            return slot
    for slot in slots:
        if slot.starts_at - DESK_MARGIN <= now < slot.ends_at + DESK_MARGIN:
            return slot
    local_day = now.astimezone(event.tz).date()
    for slot in slots:
        if slot.starts_at.astimezone(event.tz).date() == local_day:
            return slot
    return None


def meeting_at(profile: PartneringProfile, now: dt.datetime) -> MeetingRequest | None:
    """The profile's meeting running at ``now`` (desk margin included), if any."""
    candidates = [m for m in meetings_of(profile)
                  if m.slot.starts_at - DESK_MARGIN <= now < m.slot.ends_at + DESK_MARGIN]
    inside = [m for m in candidates if m.slot.starts_at <= now < m.slot.ends_at]
    return (inside or candidates or [None])[0]


def next_meeting(profile: PartneringProfile, now: dt.datetime) -> MeetingRequest | None:
    """The profile's first meeting that starts after ``now``."""
    return next((m for m in meetings_of(profile) if m.slot.starts_at > now), None)
