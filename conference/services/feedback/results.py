"""Feedback results: count, average and distribution of the ratings per session, per track
and for the event; the comments, never with names; what a speaker may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.models import Event, Feedback, Session, SessionStatus, Speaker, Track
from conference.models.feedback import RATINGS
from conference.models.types import utcnow
from conference.services.feedback.core import UNRATED_TYPES, is_closed, settings_of


@dataclass
class Summary:
    """The ratings of one target or group: how many gave each rating 1-5."""

    #: Counts of ratings 1..5, in that order.
    distribution: tuple[int, ...] = (0, 0, 0, 0, 0)

    @classmethod
    def of(cls, counts: dict[int, int]) -> Summary:
        return cls(tuple(counts.get(rating, 0) for rating in RATINGS))

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> Decimal | None:
        """The mean rating to two decimals (half up); None without ratings."""
        if not self.count:
            return None
        total = sum(rating * n for rating, n in zip(RATINGS, self.distribution, strict=True))
        return (Decimal(total) / Decimal(self.count)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def most(self) -> int:
        """The largest bar (for scaling charts); at least 1."""
        return max(self.distribution) or 1

    @property
    def bars(self) -> list[tuple[int, int]]:
        """(rating, count) for 1..5."""
        return list(zip(RATINGS, self.distribution, strict=True))


@dataclass
class SessionResult:
    session: Session
    summary: Summary
    comments: list[str] = field(default_factory=list)


@dataclass
class TrackResult:
    #: None: sessions without a track.
    track: Track | None
    summary: Summary


@dataclass
class EventResults:
    event: Summary
    event_comments: list[str]
    #: Every rateable session of the programme, rated or not, in programme order.
    sessions: list[SessionResult]
    tracks: list[TrackResult]
    #: All session ratings together.
    all_sessions: Summary


def _counts(query) -> dict[int | None, dict[int, int]]:
    counts: dict[int | None, dict[int, int]] = defaultdict(dict)
    for key, rating, n in db.session.execute(query):
        counts[key][rating] = n
    return counts


def _comments(event: Event, session_ids: list[int] | None) -> dict[int | None, list[str]]:
    """Non-empty comments per session id (None: the event), in alphabetical order, so the
    order tells nothing about who wrote when."""
    query = db.select(Feedback.session_id, Feedback.comment).where(
        Feedback.event_id == event.id, Feedback.comment != "")
    if session_ids is not None:
        query = query.where(Feedback.session_id.in_(session_ids))
    found: dict[int | None, list[str]] = defaultdict(list)
    for session_id, comment in db.session.execute(query):
        found[session_id].append(comment)
    return {key: sorted(texts, key=str.casefold) for key, texts in found.items()}


def rated_sessions(event: Event) -> list[Session]:
    """Sessions that can be rated, plus any other session that has ratings (e.g. cancelled
    after the fact), in programme order."""
    rated = db.select(Feedback.session_id).where(Feedback.event_id == event.id,
                                                  Feedback.session_id.is_not(None))
    rateable = (Session.is_public.is_(True) & Session.starts_at.is_not(None)
                & (Session.status == SessionStatus.SCHEDULED)
                & Session.session_type.not_in(UNRATED_TYPES))
    return list(db.session.execute(
        db.select(Session).where(Session.event_id == event.id,
                                 rateable | Session.id.in_(rated))
        .order_by(Session.starts_at.is_(None), Session.starts_at, Session.id)
        .options(selectinload(Session.track), selectinload(Session.speakers))
    ).scalars())


def event_results(event: Event) -> EventResults:
    """Everything the organizers' feedback page shows."""
    by_session = _counts(
        db.select(Feedback.session_id, Feedback.rating, db.func.count())
        .where(Feedback.event_id == event.id)
        .group_by(Feedback.session_id, Feedback.rating))
    by_track = _counts(
        db.select(Session.track_id, Feedback.rating, db.func.count())
        .join(Session, Session.id == Feedback.session_id)
        .where(Feedback.event_id == event.id)
        .group_by(Session.track_id, Feedback.rating))
    comments = _comments(event, None)
    sessions = [SessionResult(s, Summary.of(by_session.get(s.id, {})), comments.get(s.id, []))
                for s in rated_sessions(event)]
    tracks = list(db.session.execute(
        db.select(Track).where(Track.event_id == event.id).order_by(Track.id)).scalars())
    track_results = [TrackResult(t, Summary.of(by_track.get(t.id, {}))) for t in tracks]
    if None in by_track:
        track_results.append(TrackResult(None, Summary.of(by_track[None])))
    all_sessions: dict[int, int] = defaultdict(int)
    for session_id, counts in by_session.items():
        if session_id is not None:
            for rating, n in counts.items():
                all_sessions[rating] += n
    return EventResults(event=Summary.of(by_session.get(None, {})),
                        event_comments=comments.get(None, []), sessions=sessions,
                        tracks=track_results, all_sessions=Summary.of(all_sessions))


def session_result(session: Session) -> SessionResult:
    """One session's summary and comments."""
    counts = _counts(
        db.select(Feedback.session_id, Feedback.rating, db.func.count())
        .where(Feedback.session_id == session.id)
        .group_by(Feedback.session_id, Feedback.rating))
    return SessionResult(session, Summary.of(counts.get(session.id, {})),
                         _comments(session.event, [session.id]).get(session.id, []))


def speaker_results(speaker: Speaker, now: dt.datetime | None = None) -> list[SessionResult]:
    """The results of the speaker's own sessions, once feedback has closed; empty before
    (and when feedback was never switched on). Comments come without names."""
    settings = settings_of(speaker.event)
    if not settings.enabled or not is_closed(settings, now or utcnow()):
        return []
    own = sorted((s for s in speaker.sessions if s.event_id == speaker.event_id),
                 key=lambda s: (s.starts_at is None, s.starts_at or dt.datetime.min, s.id))
    return [session_result(s) for s in own if s.session_type not in UNRATED_TYPES]
