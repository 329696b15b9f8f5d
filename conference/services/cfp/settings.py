"""Settings of the call for proposals: dates, offered session types and tracks."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text, localized_sort
from conference.extensions import db
from conference.models import CfpSessionType, CfpSettings, Event, SessionType, Track
from conference.models.speakers import cfp_tracks
from conference.models.types import utcnow
from conference.services.cfp.errors import CfpError, InvalidChoice

#: Shortest and longest session a proposal may ask for, in minutes.
MIN_DURATION, MAX_DURATION = 5, 480


def get_cfp_settings(event: Event) -> CfpSettings | None:
    """The event's call-for-proposals settings, or None when there is no call."""
    return db.session.execute(
        db.select(CfpSettings).filter_by(event_id=event.id)
    ).scalar_one_or_none()


def offered_session_types(event: Event) -> list[CfpSessionType]:
    """Session types offered in the call, in the enum's order."""
    rows = db.session.execute(
        db.select(CfpSessionType).filter_by(event_id=event.id)
    ).scalars().all()
    order = list(SessionType)
    return sorted(rows, key=lambda row: order.index(row.session_type))


def offered_tracks(event: Event) -> list[Track]:
    """Tracks offered in the call."""
    return list(db.session.execute(
        db.select(Track).join(cfp_tracks, cfp_tracks.c.track_id == Track.id)
        .where(cfp_tracks.c.event_id == event.id).order_by(localized_sort(Track.name))
    ).scalars())


def save_cfp_settings(
    event: Event,
    *,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    session_types: dict[SessionType, int],
    track_ids: list[int],
    guidelines: LocalizedText | str = "",
    hide_reviews_until_own: bool = True,
    anonymous_review: bool = False,
) -> CfpSettings:
    """Create or update the call; ``session_types`` maps offered types to default minutes."""
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("naive datetime")
    if closes_at <= opens_at:
        raise CfpError(_l("The call must close after it opens."), field="closes_at")
    if not session_types:
        raise CfpError(_l("Offer at least one session type."), field="session_types")
    for minutes in session_types.values():
        if not MIN_DURATION <= minutes <= MAX_DURATION:
            raise CfpError(_l("Durations must be between 5 and 480 minutes."),
                           field="session_types")
    tracks = db.session.execute(
        db.select(Track).where(Track.event_id == event.id, Track.id.in_(track_ids))
    ).scalars().all()
    if len(tracks) != len(set(track_ids)):
        raise InvalidChoice(_l("Unknown track."), field="tracks")
    settings = get_cfp_settings(event) or CfpSettings(event_id=event.id)
    settings.opens_at = opens_at
    settings.closes_at = closes_at
    settings.guidelines = clean_text(guidelines)
    settings.hide_reviews_until_own = hide_reviews_until_own
    settings.anonymous_review = anonymous_review
    db.session.add(settings)
    existing = {row.session_type: row for row in offered_session_types(event)}
    for session_type, row in existing.items():
        if session_type not in session_types:
            db.session.delete(row)
    for session_type, minutes in session_types.items():
        row = existing.get(session_type) or CfpSessionType(
            event_id=event.id, session_type=session_type)
        row.default_minutes = minutes
        db.session.add(row)
    db.session.execute(cfp_tracks.delete().where(cfp_tracks.c.event_id == event.id))
    for track in tracks:
        db.session.execute(cfp_tracks.insert().values(event_id=event.id, track_id=track.id))
    return settings


def cfp_is_open(event: Event, now: dt.datetime | None = None) -> bool:
    """Proposals may be submitted, edited and withdrawn now."""
    settings = get_cfp_settings(event)
    return settings is not None and settings.is_open(now or utcnow())
