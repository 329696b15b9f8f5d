"""Partnering profiles: join (confirmed registrations of an event with partnering on),
edit, leave and join again.

A profile names the organisation's type (the event's organisation types, if it has any),
its country, sectors (from the event's list, stored as default-language lines), a short
description, and up to 10 offers and up to 10 requests (at least one need in all), each a
cooperation type from the event's list and a free text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import (
    NeedKind,
    PartneringNeed,
    PartneringProfile,
    Registration,
    RegistrationState,
)
from conference.models.partnering import DESCRIPTION_MAX_LENGTH, NEED_TEXT_MAX_LENGTH
from conference.models.types import utcnow
from conference.services.partnering.errors import (
    AlreadyParticipant,
    InvalidProfile,
    NotAParticipant,
    PartneringClosed,
)
from conference.services.partnering.requests import close_for_leaver, lock_profiles
from conference.services.partnering.settings import (
    cooperation_type_choices,
    partnering_settings,
    sector_choices,
)
from conference.services.registration.attendee_input import country_codes
from conference.services.reports.settings import organisation_types

#: Most offers, and most requests, on one profile.
NEEDS_MAX = 10


@dataclass
class ProfileInput:
    """What a person types into the profile form."""

    organisation_type: str = ""
    country: str = ""
    sectors: list[str] = field(default_factory=list)
    description: str = ""
    #: (cooperation type key, text) pairs; rows with neither are ignored.
    offers: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)


def profile_of(registration: Registration) -> PartneringProfile | None:
    """The registration's profile, active or left, if it ever joined."""
    return db.session.execute(
        db.select(PartneringProfile).filter_by(registration_id=registration.id)
    ).scalar_one_or_none()


def active_profile(registration: Registration) -> PartneringProfile | None:
    """The registration's profile while it takes part."""
    profile = profile_of(registration)
    return profile if profile is not None and profile.is_active else None


def can_join(registration: Registration) -> bool:
    """A confirmed registration of an event whose partnering is on."""
    return (registration.state is RegistrationState.CONFIRMED
            and registration.anonymised_at is None
            and bool(partnering_settings(registration.event).enabled))


def _text(value: str | None, limit: int, name: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InvalidProfile(str(_l("At most %(max)d characters.", max=limit)), field=name)
    if any(not ch.isprintable() and ch not in "\n\t" for ch in text):
        raise InvalidProfile(str(_l("Remove the control characters from this text.")),
                             field=name)
    return text


def _needs(pairs, kind: NeedKind, types: set[str], name: str) -> list[PartneringNeed]:
    needs = []
    for cooperation_type, text in pairs:
        cooperation_type = " ".join((cooperation_type or "").split())
        text = _text(text, NEED_TEXT_MAX_LENGTH, name)
        if not cooperation_type and not text:
            continue
        if cooperation_type not in types:
            raise InvalidProfile(str(_l("Choose a cooperation type from the list.")),
                                 field=name)
        needs.append(PartneringNeed(kind=kind, cooperation_type=cooperation_type, text=text))
    if len(needs) > NEEDS_MAX:
        raise InvalidProfile(str(_l("At most %(max)d entries.", max=NEEDS_MAX)), field=name)
    return needs


def clean_profile(registration: Registration, data: ProfileInput) -> tuple[dict, list]:
    """The checked profile values and needs; raises InvalidProfile naming the field."""
    event = registration.event
    kinds = {key for key, _label in organisation_types(event)}
    organisation_type = " ".join((data.organisation_type or "").split())
    if organisation_type and organisation_type not in kinds:
        raise InvalidProfile(str(_l("Choose an organisation type from the list.")),
                             field="organisation_type")
    country = (data.country or "").strip().upper()
    if country not in country_codes():
        raise InvalidProfile(str(_l("Please choose a country from the list.")),
                             field="country")
    known_sectors = [key for key, _label in sector_choices(event)]
    chosen = [" ".join(s.split()) for s in data.sectors if s and s.strip()]
    if any(s not in known_sectors for s in chosen):
        raise InvalidProfile(str(_l("Choose sectors from the list.")), field="sectors")
    description = _text(data.description, DESCRIPTION_MAX_LENGTH, "description")
    types = {key for key, _label in cooperation_type_choices(event)}
    needs = (_needs(data.offers, NeedKind.OFFER, types, "offers")
             + _needs(data.requests, NeedKind.REQUEST, types, "requests"))
    if not needs:
        raise InvalidProfile(str(_l("Add at least one offer or request.")), field="offers")
    values = {"organisation_type": organisation_type, "country": country,
              # In the event's list order, each once.
              "sectors": "\n".join(s for s in known_sectors if s in chosen),
              "description": description}
    return values, needs


def _apply(profile: PartneringProfile, values: dict, needs: list[PartneringNeed]) -> None:
    for key, value in values.items():
        setattr(profile, key, value)
    profile.needs[:] = needs


def join(registration: Registration, data: ProfileInput,
         now: dt.datetime | None = None) -> PartneringProfile:
    """Join the event's partnering with a profile (does not commit); a person who left
    comes back with the new profile. Refused while partnering is off or the
    registration is not confirmed, and when already taking part."""
    now = now or utcnow()
    if not can_join(registration):
        raise PartneringClosed(str(_l("Partnering is open to confirmed participants while "
                                      "the organizers run it.")))
    values, needs = clean_profile(registration, data)
    profile = profile_of(registration)
    if profile is not None:
        lock_profiles(profile)
        if profile.is_active:
            raise AlreadyParticipant(str(_l("You take part in partnering already.")))
        profile.left_at = None
        profile.joined_at = now
        _apply(profile, values, needs)
        db.session.flush()
        return profile
    profile = PartneringProfile(event_id=registration.event_id,
                                registration_id=registration.id, joined_at=now)
    _apply(profile, values, needs)
    try:
        with db.session.begin_nested():
            db.session.add(profile)
    except IntegrityError as error:
        # One profile per registration (unique): a second tab joined at the same moment.
        raise AlreadyParticipant(str(_l("You take part in partnering already."))) from error
    return profile


def update_profile(profile: PartneringProfile, data: ProfileInput) -> PartneringProfile:
    """Change an active profile (does not commit)."""
    if not profile.is_active:
        raise NotAParticipant(str(_l("You are not taking part in partnering.")))
    values, needs = clean_profile(profile.registration, data)
    _apply(profile, values, needs)
    db.session.flush()
    return profile


def leave(profile: PartneringProfile, now: dt.datetime | None = None) -> int:
    """Leave partnering (does not commit): the person disappears from every list; their
    pending requests are withdrawn or declined and their meetings cancelled (slot and
    table freed), each other side told by email. Returns how many requests closed."""
    now = now or utcnow()
    lock_profiles(profile)
    if not profile.is_active:
        raise NotAParticipant(str(_l("You are not taking part in partnering.")))
    profile.left_at = now
    return close_for_leaver(profile, now)


def leave_with_registration(registration: Registration,
                            now: dt.datetime | None = None) -> int:
    """A cancelled or rejected registration takes its owner out of partnering, as if they
    had left: open requests close, meetings are cancelled, the other sides are told.
    Returns how many requests closed (0 for someone who never joined)."""
    profile = active_profile(registration)
    if profile is None:
        return 0
    return leave(profile, now)
