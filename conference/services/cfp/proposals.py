"""The call for proposals: submission, editing, withdrawal, co-speakers, speaker profiles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    Event,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    SessionType,
    Speaker,
    SpeakerUnavailability,
)
from conference.models.speakers import REVIEWABLE_STATES
from conference.models.types import utcnow
from conference.security import find_by_secret
from conference.services.cfp.decisions import ensure_speaker_registration
from conference.services.cfp.errors import (
    CfpClosed,
    CfpError,
    InvalidChoice,
    InvalidSpeakerName,
    NameRequired,
    ProposalLocked,
    UnavailabilityInvalid,
)
from conference.services.cfp.links import proposal_link, speaker_link
from conference.services.cfp.photos import store_photo
from conference.services.cfp.settings import (
    MAX_DURATION,
    MIN_DURATION,
    cfp_is_open,
    offered_session_types,
    offered_tracks,
)
from conference.services.messaging.outbox import enqueue_mail
from conference.services.names import InvalidName, clean_person_name

#: Co-speakers per proposal, besides the submitter.
MAX_CO_SPEAKERS = 5


@dataclass
class ProposalFields:
    """What a speaker proposes (the same on submission and on edit)."""

    title: str
    abstract: str
    session_type: SessionType
    track_id: int | None
    duration_minutes: int
    language: str = "en"
    notes: str = ""


@dataclass
class SpeakerProfile:
    """A speaker's public profile as entered in a form; ``photo`` is the uploaded bytes."""

    name: str
    email: str
    affiliation: str = ""
    biography: str = ""
    links: str = ""
    photo: bytes | None = None


#: A speaker's name: the column's length.
NAME_LIMIT = 200
NAME_MESSAGES = {
    "required": _l("Please enter the name."),
    "too_long": _l("The name is too long."),
}
NAME_MESSAGE = _l("Please enter a name using letters (hyphens, apostrophes and spaces are "
                  "fine).")


def clean_speaker_name(value: str | None) -> str:
    """The name by the rule for every person's name; raises InvalidSpeakerName (field
    ``name``) with a message for the speaker."""
    try:
        return clean_person_name(value, field="name", max_length=NAME_LIMIT)
    except InvalidName as error:
        reason = error.details["reason"]
        raise InvalidSpeakerName(NAME_MESSAGES.get(reason, NAME_MESSAGE), field="name",
                                 reason=reason) from error


# --- Submission ----------------------------------------------------------------------------


def _require_open(event: Event, now: dt.datetime) -> None:
    if not cfp_is_open(event, now):
        raise CfpClosed(_l("The call for proposals is closed: nothing was saved."))


def check_proposal_fields(event: Event, fields: ProposalFields) -> None:
    """Refuse fields the event's call does not allow (the same for speakers and organizers)."""
    if not fields.title.strip():
        raise CfpError(_l("A title is required."), field="title")
    types = {row.session_type for row in offered_session_types(event)}
    if fields.session_type not in types:
        raise InvalidChoice(_l("This session type is not offered."), field="session_type")
    tracks = {track.id for track in offered_tracks(event)}
    if fields.track_id is not None and fields.track_id not in tracks:
        raise InvalidChoice(_l("This track is not offered."), field="track")
    if tracks and fields.track_id is None:
        raise InvalidChoice(_l("Choose a track."), field="track")
    if not MIN_DURATION <= fields.duration_minutes <= MAX_DURATION:
        raise CfpError(_l("Durations must be between 5 and 480 minutes."),
                       field="duration")


def apply_proposal_fields(proposal: Proposal, fields: ProposalFields) -> None:
    """Write checked fields into the proposal."""
    proposal.title = fields.title.strip()
    proposal.abstract = fields.abstract
    proposal.session_type = fields.session_type
    proposal.track_id = fields.track_id
    proposal.duration_minutes = fields.duration_minutes
    proposal.language = fields.language
    proposal.notes = fields.notes


def find_speaker(event: Event, email: str) -> Speaker | None:
    return db.session.execute(
        db.select(Speaker).filter_by(event_id=event.id, email=email.strip().lower())
    ).scalar_one_or_none()


def _clean_emails(emails: list[str], own: str) -> list[str]:
    result: list[str] = []
    for email in emails:
        email = email.strip().lower()
        if email and email != own and email not in result:
            result.append(email)
    if len(result) > MAX_CO_SPEAKERS:
        raise CfpError(_l("At most 5 co-speakers."), field="co_speakers")
    return result


def submit_proposal(
    event: Event,
    fields: ProposalFields,
    profile: SpeakerProfile,
    *,
    co_speaker_emails: list[str] = (),
    locale: str = "en",
    now: dt.datetime | None = None,
) -> Proposal:
    """Save a proposal from the public form, invite its co-speakers and acknowledge it.

    Everything is checked before anything is added, so a refusal saves nothing. An existing
    speaker (same email) keeps their profile: it is edited only through their own link.
    """
    now = now or utcnow()
    _require_open(event, now)
    check_proposal_fields(event, fields)
    email = profile.email.strip().lower()
    if not profile.name.strip() or not email:
        raise CfpError(_l("Your name and email are required."), field="name")
    name = clean_speaker_name(profile.name)
    co_emails = _clean_emails(list(co_speaker_emails), email)
    photo_name = store_photo(profile.photo) if profile.photo else None

    speaker = find_speaker(event, email)
    if speaker is None:
        speaker = Speaker(event=event, email=email, name=name,
                          affiliation=profile.affiliation.strip(), biography=profile.biography,
                          links=profile.links.strip(), photo_filename=photo_name, locale=locale)
        db.session.add(speaker)
    elif photo_name and not speaker.photo_filename:
        speaker.photo_filename = photo_name
    proposal = Proposal(event=event, locale=locale, created_at=now, updated_at=now)
    apply_proposal_fields(proposal, fields)
    proposal.speaker_links.append(
        ProposalSpeaker(speaker=speaker, is_submitter=True, confirmed_at=now))
    db.session.add(proposal)
    for co_email in co_emails:
        invite_co_speaker(proposal, co_email, inviter=speaker, locale=locale)
    db.session.flush()
    enqueue_mail(
        kind="cfp.received", recipient=speaker.email,
        subject=_l("We received your proposal"), template="cfp_received",
        context={"proposal": proposal, "speaker": speaker, "link": proposal_link(proposal),
                 "profile_link": speaker_link(speaker)},
        event=event, locale=speaker.locale,  # a known speaker keeps the language they chose
    )
    return proposal


def invite_co_speaker(
    proposal: Proposal, email: str, *, inviter: Speaker, locale: str = "en"
) -> ProposalSpeaker:
    """Link a co-speaker (created from their email if new) and email them their own link.

    A new co-speaker has no name until they give one on their page: until then nothing
    public shows them (never their email) and organizers see them as invited.
    """
    event = proposal.event
    speaker = find_speaker(event, email)
    if speaker is None:
        speaker = Speaker(event=event, email=email.strip().lower(), name="", locale=locale)
        db.session.add(speaker)
    if any(link.speaker is speaker for link in proposal.speaker_links):
        raise CfpError(_l("This person is already a speaker of the proposal."),
                       field="co_speakers")
    link = ProposalSpeaker(speaker=speaker, is_submitter=False)
    proposal.speaker_links.append(link)
    db.session.flush()
    enqueue_mail(
        kind="cfp.co_speaker", recipient=speaker.email,
        subject=_l("You are invited as a co-speaker"), template="cfp_co_speaker",
        context={"proposal": proposal, "inviter": inviter, "link": speaker_link(speaker)},
        event=event, locale=speaker.locale,  # a new co-speaker: the inviter's language
    )
    return link


def edit_proposal(
    proposal: Proposal, fields: ProposalFields, *, co_speaker_emails: list[str] = (),
    now: dt.datetime | None = None,
) -> Proposal:
    """Change a proposal through its private link, until the deadline; new co-speakers
    are invited."""
    now = now or utcnow()
    _require_open(proposal.event, now)
    if proposal.state not in REVIEWABLE_STATES:
        raise ProposalLocked(_l("This proposal can no longer be changed."))
    check_proposal_fields(proposal.event, fields)
    known = {link.speaker.email for link in proposal.speaker_links}
    new_emails = [e for e in _clean_emails(list(co_speaker_emails), proposal.submitter.email)
                  if e not in known]
    if len(proposal.speaker_links) - 1 + len(new_emails) > MAX_CO_SPEAKERS:
        raise CfpError(_l("At most 5 co-speakers."), field="co_speakers")
    apply_proposal_fields(proposal, fields)
    proposal.updated_at = now
    for email in new_emails:
        invite_co_speaker(proposal, email, inviter=proposal.submitter, locale=proposal.locale)
    return proposal


def withdraw_proposal(proposal: Proposal, now: dt.datetime | None = None) -> Proposal:
    """The submitter withdraws a proposal that is not decided yet, until the deadline."""
    now = now or utcnow()
    _require_open(proposal.event, now)
    if proposal.state not in REVIEWABLE_STATES:
        raise ProposalLocked(_l("This proposal can no longer be withdrawn."))
    proposal.state = ProposalState.WITHDRAWN
    proposal.updated_at = now
    return proposal


def confirm_co_speaking(
    speaker: Speaker, proposal: Proposal, now: dt.datetime | None = None
) -> ProposalSpeaker:
    """A co-speaker confirms taking part in a proposal they were invited to; they must have
    given their name first (the programme and their badge show it)."""
    link = next((x for x in proposal.speaker_links if x.speaker_id == speaker.id), None)
    if link is None:
        raise CfpError(_l("You are not a speaker of this proposal."))
    if not speaker.name:
        raise NameRequired(_l("Please enter your name in your profile first: the programme "
                              "and your badge show it."), field="name")
    if link.confirmed_at is None:
        link.confirmed_at = now or utcnow()
        if proposal.session is not None and speaker not in proposal.session.speakers:
            # The proposal is already in the programme: a late co-speaker joins it.
            proposal.session.speakers.append(speaker)
            ensure_speaker_registration(speaker, now=link.confirmed_at)
    return link


def find_proposal_by_token(event: Event, token: str) -> Proposal | None:
    """The proposal of this event whose private link carries ``token``."""
    return find_by_secret(Proposal, event, token)


def find_speaker_by_token(event: Event, token: str) -> Speaker | None:
    """The speaker of this event whose private link carries ``token``."""
    return find_by_secret(Speaker, event, token)


# --- Speaker profiles ----------------------------------------------------------------------


def update_speaker_profile(speaker: Speaker, profile: SpeakerProfile, *,
                           remove_photo: bool = False) -> Speaker:
    """A speaker (or an organizer) edits the public profile; the email stays."""
    if not profile.name.strip():
        raise CfpError(_l("A name is required."), field="name")
    name = clean_speaker_name(profile.name)
    photo_name = store_photo(profile.photo) if profile.photo else None
    speaker.name = name
    speaker.affiliation = profile.affiliation.strip()
    speaker.biography = profile.biography
    speaker.links = profile.links.strip()
    if photo_name:
        speaker.photo_filename = photo_name
    elif remove_photo:
        speaker.photo_filename = None
    return speaker


def add_speaker(event: Event, profile: SpeakerProfile, *, invited: bool = False) -> Speaker:
    """Organizers add a speaker directly (no proposal needed); an ``invited`` one is shown
    on the speakers page at once, another once they speak in a session."""
    email = profile.email.strip().lower()
    if not email:
        raise CfpError(_l("An email is required."), field="email")
    if find_speaker(event, email) is not None:
        raise CfpError(_l("A speaker with this email already exists."), field="email")
    speaker = Speaker(event=event, email=email, name="", is_invited=invited)
    update_speaker_profile(speaker, profile)
    db.session.add(speaker)
    return speaker


def add_invited_speaker(event: Event, profile: SpeakerProfile) -> Speaker:
    """Organizers add an invited speaker directly (no proposal needed)."""
    return add_speaker(event, profile, invited=True)


def add_unavailability(speaker: Speaker, starts_at: dt.datetime, ends_at: dt.datetime,
                       note: str = "") -> SpeakerUnavailability:
    """A span in which the speaker cannot speak (the programme warns about clashes)."""
    if ends_at <= starts_at:
        raise UnavailabilityInvalid(_l("The end must be after the start."))
    span = SpeakerUnavailability(starts_at=starts_at, ends_at=ends_at, note=note.strip()[:200])
    speaker.unavailability.append(span)
    return span


def public_speakers(event: Event) -> list[Speaker]:
    """Speakers shown publicly: public ones with a confirmed session, or invited; never one
    who has not given a name yet."""
    from conference.models import Session

    confirmed = (
        db.select(ProposalSpeaker.speaker_id)
        .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
        .where(Proposal.event_id == event.id, Proposal.state == ProposalState.CONFIRMED)
    )
    with_session = db.select(Speaker.id).join(Speaker.sessions).where(
        Session.event_id == event.id)
    return list(db.session.execute(
        db.select(Speaker).where(
            Speaker.event_id == event.id, Speaker.is_public.is_(True), Speaker.name != "",
            Speaker.is_invited.is_(True) | Speaker.id.in_(confirmed) | Speaker.id.in_(with_session),
        ).order_by(Speaker.name)
    ).scalars())
