"""Decisions on proposals: held emails from editable templates, confirmation, sessions and
speaker registrations."""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app
from flask_babel import force_locale, pgettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from conference.content import (
    LocalizedText,
    add_missing_languages,
    clean_text,
    localize,
    text_in_languages,
)
from conference.extensions import db
from conference.models import (
    BadgeRole,
    DecisionEmail,
    DecisionKind,
    DecisionTemplate,
    Event,
    OutboxMessage,
    OutboxStatus,
    PaymentStatus,
    Proposal,
    ProposalState,
    Registration,
    RegistrationChange,
    RegistrationState,
    Session,
    Speaker,
    TicketType,
)
from conference.models.registrations import SEAT_HOLDING_STATES
from conference.models.speakers import REVIEWABLE_STATES
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.cfp.links import proposal_link, speaker_link
from conference.services.messaging.outbox import enqueue_rendered, release_held
from conference.services.payments import orders
from conference.services.registration.payment import status_for_price

#: Placeholders a decision template may use.
PLACEHOLDERS = ("speaker_name", "title", "event", "link", "session_type", "track")
PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Anything in braces, checked when a template is saved (catches ``{name.attr}`` too).
BRACED_PATTERN = re.compile(r"\{([^{}\n]{1,80})\}")
#: Outbox kinds of decision emails.
DECISION_KINDS = ("cfp.accepted", "cfp.rejected")
#: What a confirmed proposal's session copies from it (an organizer's later edit of one of
#: them changes the session too; the duration does not: the session has its own times).
SESSION_FIELDS_FROM_PROPOSAL = ("title", "abstract", "session_type", "track_id", "language")

DEFAULT_TEMPLATES = {
    DecisionKind.ACCEPTED: (
        _l("Your proposal was accepted: {title}"),
        _l("Dear {speaker_name},\n\nwe are happy to tell you that your proposal \"{title}\" "
           "was accepted for {event}.\n\nPlease confirm (or decline) your participation "
           "through your private link:\n{link}\n\nKind regards,\nthe programme committee"),
    ),
    DecisionKind.REJECTED: (
        _l("Your proposal: {title}"),
        _l("Dear {speaker_name},\n\nthank you for proposing \"{title}\" for {event}. We "
           "received many strong proposals and regret that we could not include yours in "
           "the programme.\n\nYour proposal: {link}\n\nKind regards,\nthe programme committee"),
    ),
}


class DecisionError(DomainError):
    code = "decision_invalid"


class TemplateInvalid(DecisionError):
    code = "template_invalid"


class NotAccepted(DecisionError):
    code = "not_accepted"


class DecisionHeld(DecisionError):
    """The decision's emails are still held: to the speaker it is not made yet."""

    code = "decision_held"


def get_template(event: Event, kind: DecisionKind) -> DecisionTemplate:
    """The event's template, or an unsaved one with the default text."""
    template = db.session.execute(
        db.select(DecisionTemplate).filter_by(event_id=event.id, kind=kind)
    ).scalar_one_or_none()
    if template is None:
        subject, body = DEFAULT_TEMPLATES[kind]
        template = DecisionTemplate(
            event_id=event.id, kind=kind,
            subject=text_in_languages(event.content_languages, subject),
            body=text_in_languages(event.content_languages, body))
    return template


def save_template(event: Event, kind: DecisionKind, subject: LocalizedText | str,
                  body: LocalizedText | str) -> DecisionTemplate:
    """Store an edited template (a text per language); unknown placeholders are refused."""
    subject, body = clean_text(subject), clean_text(body)
    for text, field in ((subject, "subject"), (body, "body")):
        used = {name for value in text.translations().values()
                for name in BRACED_PATTERN.findall(value)}
        unknown = sorted(used - set(PLACEHOLDERS))
        if unknown:
            raise TemplateInvalid(
                _l("Unknown placeholder: %(names)s. Use %(known)s.",
                       names=", ".join(f"{{{n}}}" for n in unknown),
                       known=", ".join(f"{{{n}}}" for n in PLACEHOLDERS)),
                field=field)
    if not subject.exact(event.language) or not body.exact(event.language):
        raise TemplateInvalid(_l("Subject and text are required."), field="subject")
    template = get_template(event, kind)
    template.subject = subject
    template.body = body
    db.session.add(template)
    return template


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` by its value; anything else stays as written (no format-string
    features, so templates cannot reach attributes or other data)."""
    return PLACEHOLDER_PATTERN.sub(
        lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), text)


def _text_to_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n".join(
        "<p>" + str(escape(p)).replace("\n", "<br>\n") + "</p>" for p in paragraphs)


def _decision_emails(proposal: Proposal, template: DecisionTemplate, kind: str) -> None:
    event = proposal.event
    for link in proposal.speaker_links:
        speaker = link.speaker
        event = proposal.event
        language = speaker.locale  # every text in the speaker's language
        values = {
            "speaker_name": speaker.name or speaker.email,
            "title": localize(proposal.title, language, event.language),
            "event": localize(event.name, language, event.language),
            "link": proposal_link(proposal) if link.is_submitter else speaker_link(speaker),
            "session_type": proposal.session_type.value,
            "track": localize(proposal.track.name, language, event.language)
            if proposal.track else "",
        }
        body = fill_placeholders(localize(template.body, language, event.language), values)
        subject = fill_placeholders(localize(template.subject, language, event.language), values)
        with force_locale(language):  # the event's name before the subject, in that language
            message = enqueue_rendered(
                kind=kind, recipient=speaker.email, subject=subject.replace("\n", " "),
                body_text=body, body_html=_text_to_html(body), event=event, hold=True,
            )
        db.session.flush()
        db.session.add(DecisionEmail(proposal_id=proposal.id, message_id=message.id))


def decide(proposals: list[Proposal], kind: DecisionKind,
           now: dt.datetime | None = None) -> tuple[int, int]:
    """Accept or reject proposals still under review; their emails wait in the outbox.

    Returns ``(decided, skipped)``: proposals already decided or withdrawn are skipped.
    """
    now = now or utcnow()
    decided = skipped = 0
    templates: dict[int, DecisionTemplate] = {}
    for proposal in proposals:
        if proposal.state not in REVIEWABLE_STATES:
            skipped += 1
            continue
        template = templates.get(proposal.event_id) or get_template(proposal.event, kind)
        templates[proposal.event_id] = template
        proposal.state = (ProposalState.ACCEPTED if kind is DecisionKind.ACCEPTED
                          else ProposalState.REJECTED)
        proposal.decided_at = now
        _decision_emails(proposal, template, f"cfp.{kind.value}")
        decided += 1
    return decided, skipped


def held_decision_emails(event: Event) -> list[OutboxMessage]:
    """The event's decision emails waiting for the organizer, oldest first."""
    return list(db.session.execute(
        db.select(OutboxMessage).where(
            OutboxMessage.event_id == event.id, OutboxMessage.status == OutboxStatus.HELD,
            OutboxMessage.kind.in_(DECISION_KINDS),
        ).order_by(OutboxMessage.id)
    ).scalars())


def held_proposal_ids(event: Event) -> set[int]:
    """Ids of the event's proposals whose decision is held (an email of it is held)."""
    return set(db.session.execute(
        db.select(DecisionEmail.proposal_id)
        .join(OutboxMessage, OutboxMessage.id == DecisionEmail.message_id)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.status == OutboxStatus.HELD)
    ).scalars())


def is_decision_held(proposal: Proposal) -> bool:
    """Whether the proposal's decision is held: made, but not yet told to its speakers.

    Until it is released the speaker sees the proposal as under review and can neither
    confirm nor decline, and nothing public changes.
    """
    return db.session.scalar(
        db.select(db.func.count()).select_from(DecisionEmail)
        .join(OutboxMessage, OutboxMessage.id == DecisionEmail.message_id)
        .where(DecisionEmail.proposal_id == proposal.id,
               OutboxMessage.status == OutboxStatus.HELD)
    ) > 0


def state_for_speaker(proposal: Proposal) -> ProposalState:
    """The state the speakers are shown: "under review" while the decision is held."""
    if proposal.state in (ProposalState.ACCEPTED, ProposalState.REJECTED) and \
            is_decision_held(proposal):
        return ProposalState.UNDER_REVIEW
    return proposal.state


def release_decision_emails(event: Event, proposals: list[Proposal] | None = None,
                            now: dt.datetime | None = None) -> int:
    """Release held decisions: their emails go out and the speakers may answer.

    ``proposals`` None releases all of the event's held decision emails; otherwise only
    those of the given proposals (of this event). Returns how many emails were released;
    the caller commits.
    """
    if proposals is None:
        return release_held(held_decision_emails(event), now=now)
    ids = [p.id for p in proposals if p.event_id == event.id]
    if not ids:
        return 0
    messages = list(db.session.execute(
        db.select(OutboxMessage)
        .join(DecisionEmail, DecisionEmail.message_id == OutboxMessage.id)
        .where(DecisionEmail.proposal_id.in_(ids), OutboxMessage.status == OutboxStatus.HELD)
        .order_by(OutboxMessage.id)
    ).scalars())
    return release_held(messages, now=now)


def confirm_participation(proposal: Proposal, now: dt.datetime | None = None) -> Session:
    """The speaker confirms an accepted proposal: it becomes an unscheduled session with its
    (confirmed) speakers, and each of them gets a speaker registration.

    The proposal row is locked and re-read first, so two clicks at once make one session.
    """
    _lock(proposal)
    if proposal.state is not ProposalState.ACCEPTED:
        raise NotAccepted(_l("Only an accepted proposal can be confirmed."))
    _refuse_if_held(proposal)
    now = now or utcnow()
    # A co-speaker who has not confirmed, or has no name yet, is not put on the programme.
    speakers = [link.speaker for link in proposal.speaker_links
                if (link.is_submitter or link.confirmed_at is not None) and link.speaker.name]
    session = Session(
        event_id=proposal.event_id, starts_at=None, ends_at=None, room_id=None,
        speakers=speakers,
        **{name: getattr(proposal, name) for name in SESSION_FIELDS_FROM_PROPOSAL},
    )
    db.session.add(session)
    proposal.session = session
    proposal.state = ProposalState.CONFIRMED
    proposal.updated_at = now
    for speaker in speakers:
        ensure_speaker_registration(speaker, now=now)
    return session


def _lock(row) -> None:
    """Lock ``row`` until the end of the transaction (PostgreSQL) and reload its columns.

    ``CFP_LOCK_ROWS = False`` (tests only) skips it, to show the race it prevents.
    """
    if not current_app.config.get("CFP_LOCK_ROWS", True):
        return
    model = type(row)
    db.session.execute(
        db.select(model).where(model.id == row.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _refuse_if_held(proposal: Proposal) -> None:
    if is_decision_held(proposal):
        raise DecisionHeld(_l("This proposal is still under review."))


def decline_participation(proposal: Proposal, now: dt.datetime | None = None) -> Proposal:
    """The speaker declines an accepted proposal."""
    _lock(proposal)
    if proposal.state is not ProposalState.ACCEPTED:
        raise NotAccepted(_l("Only an accepted proposal can be declined."))
    _refuse_if_held(proposal)
    proposal.state = ProposalState.DECLINED
    proposal.updated_at = now or utcnow()
    return proposal


def _speaker_ticket_name() -> str:
    return pgettext("ticket type", "Speaker")


def find_speaker_ticket_type(event: Event) -> TicketType | None:
    """The event's hidden speaker ticket type, if it has one yet."""
    return db.session.execute(
        db.select(TicketType).filter_by(
            event_id=event.id, badge_role=BadgeRole.SPEAKER, is_public=False,
            counts_toward_event_capacity=False,
        ).order_by(TicketType.id).limit(1)
    ).scalar_one_or_none()


def name_speaker_ticket_type_in(event: Event) -> None:
    """After the event's languages changed: the speaker ticket type gets the system's name
    in the new languages, unless the organizers renamed it."""
    ticket_type = find_speaker_ticket_type(event)
    if ticket_type is not None:
        name = add_missing_languages(ticket_type.name, event.content_languages,
                                     _speaker_ticket_name)
        if name is not None:
            ticket_type.name = name


def speaker_ticket_type(event: Event) -> TicketType:
    """The event's hidden speaker ticket type (made on first use, named in each of the
    event's languages); it uses no public seat."""
    name_speaker_ticket_type_in(event)  # made before the event had its present languages
    ticket_type = find_speaker_ticket_type(event)
    if ticket_type is None:
        ticket_type = TicketType(
            event_id=event.id, name=text_in_languages(event.content_languages,
                                                      _speaker_ticket_name), price=0, capacity=None,
            is_public=False, badge_role=BadgeRole.SPEAKER, counts_toward_event_capacity=False,
            position=1000,
        )
        db.session.add(ticket_type)
        db.session.flush()
    return ticket_type


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def ensure_speaker_registration(speaker: Speaker,
                                now: dt.datetime | None = None) -> Registration | None:
    """Give a speaker a confirmed registration with a Speaker badge, without duplicates.

    An existing registration with the same email keeps its ticket and gets the Speaker
    badge role; otherwise one is made on the speaker ticket type. A speaker without a name
    gets none (a badge never shows an email): None.
    """
    if not speaker.name:
        return None
    now = now or utcnow()
    _lock(speaker)  # one registration even when two of their proposals are confirmed at once
    existing = db.session.execute(
        db.select(Registration).where(
            Registration.event_id == speaker.event_id, Registration.email == speaker.email,
            Registration.state.in_([*SEAT_HOLDING_STATES, RegistrationState.WAITLISTED]),
        ).order_by(Registration.id).limit(1)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.badge_role is not BadgeRole.SPEAKER:
            existing.badge_role_override = BadgeRole.SPEAKER
            existing.changes.append(RegistrationChange(
                at=now, action="badge_role", detail="speaker"))
        if existing.payment_status is PaymentStatus.UNPAID:  # speakers are never asked to pay
            existing.payment_status = PaymentStatus.WAIVED
            existing.changes.append(RegistrationChange(
                at=now, action="payment", detail="unpaid → waived (speaker)"))
            orders.follow_payment_status(existing)
        return existing
    first, last = _split_name(speaker.name)
    ticket_type = speaker_ticket_type(speaker.event)
    registration = Registration(
        event_id=speaker.event_id, ticket_type=ticket_type,
        state=RegistrationState.CONFIRMED, first_name=first[:100], last_name=last[:100],
        email=speaker.email, organization=speaker.affiliation[:200], locale=speaker.locale,
        created_at=now, state_changed_at=now, payment_status=status_for_price(ticket_type),
    )
    registration.refresh_search_key()
    registration.changes.append(RegistrationChange(at=now, action="registered",
                                                   detail="speaker"))
    db.session.add(registration)
    return registration
