"""The organizers' choice of featured speakers and programme highlights."""

from __future__ import annotations

from collections.abc import Iterable

from conference.extensions import db
from conference.models import Event, Session, Speaker


def set_featured_speakers(event: Event, speaker_ids: Iterable[int]) -> None:
    """Feature exactly these speakers of ``event`` (ids of other events are ignored).
    The caller commits."""
    chosen = set(speaker_ids)
    for speaker in db.session.execute(
            db.select(Speaker).where(Speaker.event_id == event.id)).scalars():
        speaker.is_featured = speaker.id in chosen
    db.session.flush()


def set_highlights(event: Event, session_ids: Iterable[int]) -> None:
    """Mark exactly these sessions of ``event`` as programme highlights. The caller commits."""
    chosen = set(session_ids)
    for session in db.session.execute(
            db.select(Session).where(Session.event_id == event.id)).scalars():
        session.is_highlight = session.id in chosen
    db.session.flush()


def highlight_candidates(event: Event) -> list[Session]:
    """Public, scheduled sessions an organizer may mark as highlights, in time order."""
    return list(db.session.execute(
        db.select(Session).where(Session.event_id == event.id, Session.is_public.is_(True),
                                 Session.starts_at.is_not(None))
        .order_by(Session.starts_at, Session.id)
    ).scalars())
