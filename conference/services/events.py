"""Creating and editing events."""

from __future__ import annotations

import datetime as dt
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l

from conference.content import clean_text, configured_content_languages
from conference.extensions import db
from conference.models import Event, EventKind, EventStatus, SeatsDisplay
from conference.services import DomainError
from conference.services.cfp.decisions import name_speaker_ticket_type_in
from conference.services.checkin.checkpoints import name_entrances_in


class EventError(DomainError):
    code = "event_invalid"


def save_event(
    event: Event,
    *,
    name: str,
    slug: str,
    starts_on: dt.date,
    ends_on: dt.date,
    timezone: str,
    venue_name: str = "",
    venue_address: str = "",
    description: str = "",
    contact_email: str = "",
    status: EventStatus = EventStatus.DRAFT,
    language: str | None = None,
    languages: list[str] | None = None,
    pitch: str | None = None,
    kind: EventKind | None = None,
    seats_display: SeatsDisplay | None = None,
    few_seats_threshold: int | None = None,
) -> Event:
    """Validate and apply an event's details; adds a new event to the session. Caller commits."""
    slug = slug.strip().lower()
    clash = db.session.execute(
        db.select(Event.id).where(Event.slug == slug, Event.id != (event.id or -1))
    ).first()
    if clash:
        raise EventError(str(_l("Another event already uses this short name.")), field="slug")
    if ends_on < starts_on:
        raise EventError(str(_l("The last day cannot be before the first day.")), field="ends_on")
    if timezone not in available_timezones():
        raise EventError(str(_l("Unknown timezone.")), field="timezone")
    event.name = clean_text(name)
    event.slug = slug
    event.starts_on = starts_on
    event.ends_on = ends_on
    event.timezone = timezone
    event.venue_name = clean_text(venue_name)
    event.venue_address = venue_address.strip()
    event.description = clean_text(description)
    event.contact_email = contact_email.strip().lower()
    event.status = status
    if language is not None:
        if language not in configured_content_languages():
            raise EventError(str(_l("Choose one of the offered languages.")), field="language")
        event.language = language
    if languages is not None:
        unknown = [code for code in languages if code not in configured_content_languages()]
        if unknown:
            raise EventError(str(_l("Choose one of the offered languages.")), field="languages")
        if event.language not in languages:
            raise EventError(str(_l("The default language must be one of the event's "
                                    "languages.")), field="languages")
        # The default first, the others in the catalogue's order.
        event.languages = ",".join([event.language] + [
            code for code in configured_content_languages()
            if code in languages and code != event.language])
    _apply_public_face(event, pitch=pitch, kind=kind, seats_display=seats_display,
                       few_seats_threshold=few_seats_threshold)
    if event.id is None:
        db.session.add(event)
    else:
        name_system_texts_in(event)
    return event


def _apply_public_face(event: Event, *, pitch, kind, seats_display,
                       few_seats_threshold) -> None:
    """The public page's settings; each left as it is when not given."""
    if pitch is not None:
        event.pitch = clean_text(pitch)
    if kind is not None:
        event.kind = kind
    if seats_display is not None:
        event.seats_display = seats_display
    if few_seats_threshold is not None:
        if few_seats_threshold < 1:
            raise EventError(str(_l("Enter a number of seats of at least 1.")),
                             field="few_seats_threshold")
        event.few_seats_threshold = few_seats_threshold


def name_system_texts_in(event: Event) -> None:
    """Names the system created for ``event`` (the speakers' ticket type, the entrances)
    get the system's name in languages the event offers and they lack, unless the organizers
    renamed them (then the missing language falls back to the default, and the back office
    marks it "missing translation")."""
    name_speaker_ticket_type_in(event)
    name_entrances_in(event)
