"""Who may rate what, and when; submitting and changing a rating.

An attendee (a confirmed registration) rates the event, and each session they attended:
checked in at the session's checkpoint, or booked (a workshop seat, or a session on their
personal agenda). Breaks are not rated. Ratings open after the event ends, or after each
session ends (the event rating then opens when the last session of the programme ends),
and may be changed until the closing date. Each target is rated once per attendee: the
registration row is locked while its rating is written, and unique indexes back it up.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    CheckIn,
    Checkpoint,
    Event,
    Feedback,
    FeedbackOpening,
    FeedbackSettings,
    Registration,
    RegistrationState,
    SeatBooking,
    Session,
    SessionStatus,
    SessionType,
    StarredSession,
)
from conference.models.feedback import COMMENT_MAX_LENGTH, RATINGS
from conference.models.types import utcnow
from conference.services import DomainError

#: Session types nobody rates.
UNRATED_TYPES = (SessionType.BREAK,)


class FeedbackError(DomainError):
    code = "feedback_error"


class NotOpen(FeedbackError):
    code = "not_open"


class Closed(FeedbackError):
    code = "closed"


class NotAttended(FeedbackError):
    code = "not_attended"


class InvalidRating(FeedbackError):
    code = "invalid_rating"


class InvalidComment(FeedbackError):
    code = "invalid_comment"


class InvalidSettings(FeedbackError):
    code = "invalid_settings"


class Window(enum.Enum):
    """Where a target stands in time."""

    OFF = "off"
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Target:
    """Something an attendee may rate: the event (``session`` None) or one session."""

    session: Session | None
    window: Window
    opens_at: dt.datetime | None
    feedback: Feedback | None

    @property
    def key(self) -> str:
        """The name of the target's fields in a form."""
        return "event" if self.session is None else f"s{self.session.id}"


# ---------------------------------------------------------------- settings

def settings_of(event: Event) -> FeedbackSettings:
    """The event's feedback settings (unsaved defaults when it has none: switched off)."""
    settings = db.session.execute(
        db.select(FeedbackSettings).where(FeedbackSettings.event_id == event.id)
    ).scalar_one_or_none()
    if settings is None:
        settings = FeedbackSettings(event=event, enabled=False,
                                    opening=FeedbackOpening.AFTER_EVENT, closes_at=None)
    return settings


def save_settings(event: Event, *, enabled: bool, opening: FeedbackOpening,
                  closes_at: dt.datetime | None) -> FeedbackSettings:
    """Switch feedback on or off and set when it opens and closes; the caller commits.

    Feedback that is on needs a closing date after the event's start (``invalid_settings``
    with ``field="closes_at"``).
    """
    if closes_at is not None and closes_at.tzinfo is None:
        raise ValueError("naive closing date")
    if enabled and closes_at is None:
        raise InvalidSettings(_l("Feedback needs a closing date."), field="closes_at")
    if closes_at is not None and closes_at <= event.local_start():
        raise InvalidSettings(_l("The closing date must be after the start of the event."),
                              field="closes_at")
    settings = settings_of(event)
    settings.enabled = enabled
    settings.opening = opening
    settings.closes_at = closes_at
    db.session.add(settings)
    db.session.flush()
    return settings


def is_closed(settings: FeedbackSettings, now: dt.datetime | None = None) -> bool:
    """The closing date has passed (speakers see their results from then on)."""
    now = now or utcnow()
    return settings.closes_at is not None and now >= settings.closes_at


# ---------------------------------------------------------------- when

def _last_session_end(event: Event) -> dt.datetime | None:
    return db.session.execute(
        db.select(db.func.max(Session.ends_at)).where(
            Session.event_id == event.id, Session.is_public.is_(True),
            Session.starts_at.is_not(None), Session.status == SessionStatus.SCHEDULED)
    ).scalar_one_or_none()


def opens_at(settings: FeedbackSettings, event: Event,
             session: Session | None = None) -> dt.datetime:
    """When rating ``session`` (or the event, for None) opens."""
    event_end = event.local_end().astimezone(dt.UTC)
    if settings.opening is FeedbackOpening.AFTER_SESSION:
        if session is not None and session.ends_at is not None:
            return session.ends_at
        if session is None:
            return _last_session_end(event) or event_end
    return event_end


def window_of(settings: FeedbackSettings, event: Event, session: Session | None = None,
              now: dt.datetime | None = None) -> Window:
    """Whether rating ``session`` (or the event) is off, not open yet, open or closed."""
    now = now or utcnow()
    if not settings.enabled:
        return Window.OFF
    if is_closed(settings, now):
        return Window.CLOSED
    if now < opens_at(settings, event, session):
        return Window.NOT_YET
    return Window.OPEN


# ---------------------------------------------------------------- who

def may_give_feedback(registration: Registration) -> bool:
    """Only confirmed attendees give feedback."""
    return registration.state is RegistrationState.CONFIRMED


def attended_session_ids(registration: Registration) -> set[int]:
    """Sessions the attendee was checked in at, or booked (seat or personal agenda)."""
    checked_in = db.select(Checkpoint.session_id).join(
        CheckIn, CheckIn.checkpoint_id == Checkpoint.id
    ).where(CheckIn.registration_id == registration.id, Checkpoint.session_id.is_not(None))
    seats = db.select(SeatBooking.session_id).where(
        SeatBooking.registration_id == registration.id)
    starred = db.select(StarredSession.session_id).where(
        StarredSession.registration_id == registration.id)
    return set(db.session.execute(checked_in.union(seats, starred)).scalars())


def rateable_sessions(registration: Registration) -> list[Session]:
    """The sessions ``registration`` may rate, in programme order (breaks, hidden and
    cancelled sessions left out)."""
    if not may_give_feedback(registration):
        return []
    ids = attended_session_ids(registration)
    if not ids:
        return []
    return list(db.session.execute(
        db.select(Session).where(
            Session.id.in_(ids), Session.event_id == registration.event_id,
            Session.is_public.is_(True), Session.starts_at.is_not(None),
            Session.ends_at.is_not(None), Session.status == SessionStatus.SCHEDULED,
            Session.session_type.not_in(UNRATED_TYPES))
        .order_by(Session.starts_at, Session.id)
    ).scalars())


def _may_rate(registration: Registration, session: Session | None) -> bool:
    if not may_give_feedback(registration):
        return False
    if session is None:
        return True
    return (session.event_id == registration.event_id
            and session.id in {s.id for s in rateable_sessions(registration)})


def feedback_of(registration: Registration) -> dict[int | None, Feedback]:
    """The attendee's ratings by session id (None: the event rating)."""
    rows = db.session.execute(
        db.select(Feedback).where(Feedback.registration_id == registration.id)
    ).scalars()
    return {row.session_id: row for row in rows}


def targets_for(registration: Registration, now: dt.datetime | None = None) -> list[Target]:
    """What the attendee may rate (the event first, then their sessions), with where each
    stands in time and the rating already given; empty when feedback is off or the
    registration is not confirmed."""
    now = now or utcnow()
    event = registration.event
    settings = settings_of(event)
    if not settings.enabled or not may_give_feedback(registration):
        return []
    given = feedback_of(registration)
    return [Target(session, window_of(settings, event, session, now),
                   opens_at(settings, event, session), given.get(session.id if session else None))
            for session in [None, *rateable_sessions(registration)]]


# ---------------------------------------------------------------- submitting

def parse_rating(value) -> int:
    """A rating 1-5 from a form value or a number; ``invalid_rating`` otherwise."""
    if isinstance(value, bool):
        raise InvalidRating(_l("Choose a rating from 1 to 5."))
    if isinstance(value, str):
        value = value.strip()
        if not (len(value) == 1 and value in "12345"):
            raise InvalidRating(_l("Choose a rating from 1 to 5."))
        value = int(value)
    if not isinstance(value, int) or value not in RATINGS:
        raise InvalidRating(_l("Choose a rating from 1 to 5."))
    return value


def clean_comment(value: str | None) -> str:
    """The comment stripped; ``invalid_comment`` when too long or with a NUL character."""
    text = (value or "").strip()
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidComment(_l("A comment may have at most %(max)d characters.",
                                max=COMMENT_MAX_LENGTH), reason="too_long")
    if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
        raise InvalidComment(_l("The comment contains characters we cannot accept."),
                             reason="characters")
    return text


def _locking() -> bool:
    return current_app.config.get("FEEDBACK_LOCK", True)


def _lock_registration(registration: Registration) -> None:
    """Serialise the attendee's submissions (two tabs): the second sees the first's row."""
    if _locking():
        db.session.execute(db.select(Registration.id).where(
            Registration.id == registration.id).with_for_update())


def _existing(registration_id: int, session_id: int | None) -> Feedback | None:
    """The rating already given for this target (read fresh, after the lock)."""
    return db.session.execute(
        db.select(Feedback).where(
            Feedback.registration_id == registration_id,
            Feedback.session_id.is_(None) if session_id is None
            else Feedback.session_id == session_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def submit_feedback(registration: Registration, *, rating, comment: str | None = "",
                    session: Session | None = None,
                    now: dt.datetime | None = None) -> Feedback:
    """Rate the event (``session`` None) or one attended session, or change that rating;
    the caller commits.

    Refuses: an unconfirmed registration or a session not attended (``not_attended``),
    feedback switched off or not open yet (``not_open``), after the closing date
    (``closed``), a rating outside 1-5 (``invalid_rating``), a comment too long or with
    forbidden characters (``invalid_comment``).
    """
    now = now or utcnow()
    if not _may_rate(registration, session):
        raise NotAttended(_l("You can rate only the sessions you attended."))
    event = registration.event
    settings = settings_of(event)
    window = window_of(settings, event, session, now)
    if window is Window.CLOSED:
        raise Closed(_l("Feedback is closed."))
    if window is not Window.OPEN:
        raise NotOpen(_l("Feedback is not open yet."))
    rating = parse_rating(rating)
    comment = clean_comment(comment)
    _lock_registration(registration)
    session_id = session.id if session is not None else None
    feedback = _existing(registration.id, session_id)
    if feedback is None:
        feedback = Feedback(event_id=event.id, registration_id=registration.id,
                            session_id=session_id, rating=rating, comment=comment,
                            created_at=now, updated_at=now)
        db.session.add(feedback)
    elif (feedback.rating, feedback.comment) != (rating, comment):
        feedback.rating = rating
        feedback.comment = comment
        feedback.updated_at = now
    db.session.flush()
    return feedback

