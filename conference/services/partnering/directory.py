"""Finding partners: the directory of other active participants (filters, text search,
paging), "suggested for you" with the reasons behind each score, and one profile page.

Only active participants see the directory, and it lists only other active profiles of
confirmed registrations of the same event. Text search is case- and accent-insensitive
(``conference.folding.fold``) across name, organisation, description and need texts; it
runs in Python over the event's active profiles after the SQL filters (a brokerage has
hundreds of participants, not hundreds of thousands).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.folding import fold
from conference.models import (
    MeetingRequest,
    NeedKind,
    PartneringNeed,
    PartneringProfile,
    Registration,
    RegistrationState,
)
from conference.models.partnering import OPEN_REQUEST_STATES
from conference.services.partnering.errors import NotAParticipant, ProfileNotVisible
from conference.services.partnering.requests import is_usable

PER_PAGE = 20
#: Points per matched cooperation type (my request with their offer, or the reverse), per
#: shared sector, and per shared word of the texts (the word bonus is capped).
TYPE_POINTS = 3
SECTOR_POINTS = 1
WORD_POINTS = 0.5
WORD_POINTS_MAX = 2
SUGGESTIONS = 8
#: Words too common to tell organisations apart (English, Polish, German, French, Spanish).
_COMMON_WORDS = (
    "about and are for from our the their this that with into have has will your you "
    "oraz dla się jest nasz nasza nasze które który która przez także również "
    "und der die das mit für von les des une pour avec dans los las con para")
STOP_WORDS = frozenset(fold(word) for word in _COMMON_WORDS.split())


@dataclass
class DirectoryFilter:
    """What the directory form asks for (empty: no condition)."""

    text: str = ""
    sector: str = ""
    country: str = ""
    organisation_type: str = ""
    offer_type: str = ""
    request_type: str = ""
    page: int = 1


@dataclass
class DirectoryPage:
    """One page of the directory."""

    profiles: list[PartneringProfile]
    total: int
    page: int
    pages: int
    #: Ids of the listed profiles I have an open request with (either direction).
    open_with: set[int] = field(default_factory=set)


@dataclass
class Suggestion:
    """A suggested partner, the score and why: reasons are (kind, value) pairs with kind
    ``offers`` (they offer a type I look for), ``looks_for`` (they look for a type I
    offer), ``sector`` (a shared sector) or ``words`` (shared words, comma-separated)."""

    profile: PartneringProfile
    score: float
    reasons: list[tuple[str, str]]


def _require(viewer: PartneringProfile) -> None:
    if not is_usable(viewer):
        raise NotAParticipant(str(_l("You are not taking part in partnering.")))


def _others(viewer: PartneringProfile):
    return (db.select(PartneringProfile)
            .join(Registration, Registration.id == PartneringProfile.registration_id)
            .where(PartneringProfile.event_id == viewer.event_id,
                   PartneringProfile.id != viewer.id,
                   PartneringProfile.left_at.is_(None),
                   Registration.state == RegistrationState.CONFIRMED,
                   Registration.anonymised_at.is_(None))
            .options(selectinload(PartneringProfile.needs),
                     selectinload(PartneringProfile.registration)))


def _has_need(kind: NeedKind, cooperation_type: str):
    return sa.exists().where(PartneringNeed.profile_id == PartneringProfile.id,
                             PartneringNeed.kind == kind,
                             PartneringNeed.cooperation_type == cooperation_type)


def searchable_text(profile: PartneringProfile) -> str:
    """Everything the text search looks at, folded."""
    registration = profile.registration
    parts = [registration.first_name, registration.last_name, registration.organization,
             profile.description, *(need.text for need in profile.needs)]
    return fold(" ".join(part for part in parts if part))


def open_partner_ids(profile: PartneringProfile) -> set[int]:
    """Ids of the people with whom ``profile`` has a pending or accepted request."""
    rows = db.session.execute(
        db.select(MeetingRequest.requester_id, MeetingRequest.recipient_id).where(
            MeetingRequest.state.in_(OPEN_REQUEST_STATES),
            sa.or_(MeetingRequest.requester_id == profile.id,
                   MeetingRequest.recipient_id == profile.id)))
    return {b if a == profile.id else a for a, b in rows}


def search(viewer: PartneringProfile, flt: DirectoryFilter,
           per_page: int = PER_PAGE) -> DirectoryPage:
    """One page of the other active participants matching ``flt``, by organisation and
    name."""
    _require(viewer)
    query = _others(viewer)
    if flt.sector:
        # Sectors are whole lines; compare with the line separators around them.
        query = query.where(("\n" + PartneringProfile.sectors + "\n")
                            .contains("\n" + flt.sector + "\n", autoescape=True))
    if flt.country:
        query = query.where(PartneringProfile.country == flt.country.upper())
    if flt.organisation_type:
        query = query.where(PartneringProfile.organisation_type == flt.organisation_type)
    if flt.offer_type:
        query = query.where(_has_need(NeedKind.OFFER, flt.offer_type))
    if flt.request_type:
        query = query.where(_has_need(NeedKind.REQUEST, flt.request_type))
    query = query.order_by(Registration.organization, Registration.last_name,
                           PartneringProfile.id)
    profiles = list(db.session.execute(query).scalars())
    words = fold(flt.text).split()
    if words:
        profiles = [p for p in profiles if all(w in searchable_text(p) for w in words)]
    total = len(profiles)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, flt.page), pages)
    shown = profiles[(page - 1) * per_page: page * per_page]
    open_with = open_partner_ids(viewer) & {p.id for p in shown}
    return DirectoryPage(shown, total, page, pages, open_with)


def _types(profile: PartneringProfile, kind: NeedKind) -> set[str]:
    return {need.cooperation_type for need in profile.needs if need.kind is kind}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w{4,}", fold(text)) if w not in STOP_WORDS}


def _profile_words(profile: PartneringProfile) -> set[str]:
    return _words(" ".join([profile.description, *(need.text for need in profile.needs)]))


def score(mine: PartneringProfile, theirs: PartneringProfile) -> Suggestion:
    """How well ``theirs`` fits ``mine``: matched cooperation types both ways, shared
    sectors, and a small bonus for shared words of the texts."""
    reasons: list[tuple[str, str]] = []
    points = 0.0
    for kind in sorted(_types(mine, NeedKind.REQUEST) & _types(theirs, NeedKind.OFFER)):
        points += TYPE_POINTS
        reasons.append(("offers", kind))
    for kind in sorted(_types(mine, NeedKind.OFFER) & _types(theirs, NeedKind.REQUEST)):
        points += TYPE_POINTS
        reasons.append(("looks_for", kind))
    for sector in [s for s in mine.sector_list if s in set(theirs.sector_list)]:
        points += SECTOR_POINTS
        reasons.append(("sector", sector))
    shared = sorted(_profile_words(mine) & _profile_words(theirs))
    if shared:
        points += min(WORD_POINTS_MAX, WORD_POINTS * len(shared))
        reasons.append(("words", ", ".join(shared[:5])))
    return Suggestion(theirs, points, reasons)


def suggestions(viewer: PartneringProfile, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The best-fitting other participants, highest score first, leaving out those with
    whom the viewer has an open request already, and anyone without a match."""
    _require(viewer)
    busy = open_partner_ids(viewer)
    scored = [score(viewer, other) for other in db.session.execute(_others(viewer)).scalars()
              if other.id not in busy]
    scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, s.profile.id))
    return scored[:limit]


def visible_profile(viewer: PartneringProfile, profile_id: int) -> PartneringProfile:
    """Another participant's profile, for an active participant of the same event."""
    _require(viewer)
    profile = db.session.get(PartneringProfile, profile_id)
    if (profile is None or profile.event_id != viewer.event_id
            or (profile.id != viewer.id and not is_usable(profile))):
        raise ProfileNotVisible(str(_l("This profile is not available.")))
    return profile
