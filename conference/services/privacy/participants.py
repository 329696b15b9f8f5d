"""The public participant list: attendees who agreed to be listed, when the organizer
shows the list. Name, organisation and country only; nothing else ever leaves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from conference.extensions import db
from conference.folding import fold
from conference.models import Event, PrivacySettings, Registration, RegistrationState
from conference.services.registration.seats import record_change


@dataclass(frozen=True)
class ListedParticipant:
    """What the public list shows of one person."""

    first_name: str
    last_name: str
    organization: str
    country: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def privacy_settings(event: Event) -> PrivacySettings:
    """The event's privacy switches (a new, unsaved row with the defaults when none)."""
    settings = db.session.get(PrivacySettings, event.id)
    return settings or PrivacySettings(event_id=event.id, public_list_enabled=False)


def public_list_enabled(event: Event) -> bool:
    return privacy_settings(event).public_list_enabled


def set_public_list_enabled(event: Event, enabled: bool) -> None:
    """Turn the event's public participant list on or off (does not commit)."""
    settings = privacy_settings(event)
    settings.public_list_enabled = bool(enabled)
    db.session.add(settings)


def public_participants(event: Event) -> list[ListedParticipant]:
    """Confirmed attendees who agreed to the public list, by last name then first name
    (folded, so "Łukasiewicz" sorts with the L's on every database)."""
    rows = db.session.execute(
        sa.select(Registration.first_name, Registration.last_name, Registration.organization,
                  Registration.country)
        .where(Registration.event_id == event.id,
               Registration.state == RegistrationState.CONFIRMED,
               Registration.consent_public_list.is_(True))).all()
    people = [ListedParticipant(*row) for row in rows]
    people.sort(key=lambda p: (fold(p.last_name), fold(p.first_name)))
    return people


def set_public_list_consent(registration: Registration, listed: bool, *,
                            now: dt.datetime | None = None) -> bool:
    """The attendee's own choice to appear on the public list; takes effect at once.
    Returns whether anything changed (does not commit)."""
    listed = bool(listed)
    if registration.consent_public_list == listed:
        return False
    registration.consent_public_list = listed
    record_change(registration, "consent",
                  "public list: yes" if listed else "public list: no", now=now)
    return True
