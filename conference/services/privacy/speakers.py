"""Anonymising speakers and the call for proposals once the retention period is over (or
when a person who is also a speaker has their data erased).

What goes: the speaker's name, email, affiliation, biography, links, photo (the file on
disk too), unavailability notes and private link; the proposal's private link and notes
to the organizers; review comments and attendee feedback comments (free text that can
name people); the subject, body and recipient of every email the event sent the speaker
(unsent ones are never sent). What stays is what statistics and a readable past programme
need: the speaker rows (counted, shown as "Anonymised speaker"), proposals with their
title, abstract, type, track and state, sessions, review scores and feedback ratings.

A speaker is anonymised in the same UPDATE that gives them the placeholder email
(``Speaker.is_anonymised``), so an interrupted run leaves each speaker either untouched or
fully anonymised; a rerun continues with the others. Photo files are deleted before that
UPDATE: a crash in between leaves a speaker whose photo is simply missing.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    Event,
    Feedback,
    OutboxMessage,
    OutboxStatus,
    Proposal,
    ProposalSpeaker,
    Review,
    Speaker,
    SpeakerUnavailability,
)
from conference.models.speakers import ANONYMISED_EMAIL_DOMAIN
from conference.services.cfp.photos import photo_path

_NO_SYNC = {"synchronize_session": False}
#: Dead private links start with this character, which ``new_token`` (URL-safe base64)
#: never produces.
DEAD_PREFIX = "~"


def pending_speakers(event: Event) -> sa.Select:
    """The ids of the event's speakers that still hold personal data."""
    return db.select(Speaker.id).where(
        Speaker.event_id == event.id,
        sa.not_(Speaker.email.endswith("@" + ANONYMISED_EMAIL_DOMAIN)))


def count_pending_speakers(event: Event) -> int:
    """How many of the event's speakers still hold personal data (the preview's count)."""
    return db.session.execute(
        db.select(sa.func.count()).select_from(pending_speakers(event).subquery())
    ).scalar_one()


def anonymise_event_speakers(event: Event) -> int:
    """Anonymise every speaker of ``event`` still holding personal data, and the free text
    of its proposals, reviews and feedback, in the current transaction (the caller
    commits). Returns how many speakers were anonymised."""
    ids = list(db.session.execute(pending_speakers(event)).scalars())
    anonymise_speakers(event, ids)
    # Only those still holding a live link: the daily run passes here for every past event.
    proposals = db.select(Proposal.id).where(Proposal.event_id == event.id,
                                             sa.not_(Proposal.token.startswith(DEAD_PREFIX)))
    _blank_proposals(proposals)
    _run(sa.update(Feedback).where(Feedback.event_id == event.id, Feedback.comment != "")
         .values(comment=""))
    return len(ids)


def anonymise_speakers_by_email(event: Event, email: str) -> int:
    """An erasure: anonymise the speaker of ``event`` with this email (if any), and the
    proposals they submitted. Returns how many speakers were anonymised (0 or 1)."""
    ids = list(db.session.execute(
        pending_speakers(event).where(Speaker.email == (email or "").strip().lower())
    ).scalars())
    if not ids:
        return 0
    submitted = db.select(ProposalSpeaker.proposal_id).where(
        ProposalSpeaker.speaker_id.in_(ids), ProposalSpeaker.is_submitter)
    _blank_proposals(submitted)
    anonymise_speakers(event, ids)
    return len(ids)


def anonymise_speakers(event: Event, ids: list[int]) -> int:
    """Anonymise these speakers of ``event`` in the current transaction (the caller
    commits); returns how many outbox messages were blanked."""
    if not ids:
        return 0
    rows = db.session.execute(
        db.select(Speaker.id, Speaker.email, Speaker.photo_filename)
        .where(Speaker.event_id == event.id, Speaker.id.in_(ids))).all()
    for row in rows:
        path = photo_path(row.photo_filename or "")
        if path is not None:
            path.unlink(missing_ok=True)
    emails = [row.email for row in rows]
    mine = (OutboxMessage.event_id == event.id, OutboxMessage.recipient.in_(emails))
    _run(sa.update(OutboxMessage)
         .where(*mine, OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.HELD]))
         .values(status=OutboxStatus.SKIPPED))
    blanked = _run(sa.update(OutboxMessage).where(*mine).values(
        recipient="", subject="", body_text="", body_html="", last_error="")).rowcount
    _run(sa.delete(SpeakerUnavailability).where(SpeakerUnavailability.speaker_id.in_(ids)))
    table = Speaker.__table__
    db.session.execute(
        table.update().where(table.c.id == sa.bindparam("sid")).values(
            name="", affiliation="", biography="", links="", photo_filename=None,
            is_public=False, is_featured=False, is_invited=False,
            email=sa.bindparam("new_email"), token=sa.bindparam("new_token")),
        [{"sid": row.id, "new_email": f"speaker-{row.id}@{ANONYMISED_EMAIL_DOMAIN}",
          "new_token": _dead_token()} for row in rows])
    _expire(Speaker, {row.id for row in rows})
    return blanked


def _blank_proposals(proposal_ids: sa.Select) -> None:
    """New dead private links, no notes; review comments of these proposals blanked."""
    ids = list(db.session.execute(proposal_ids).scalars())
    if not ids:
        return
    table = Proposal.__table__
    db.session.execute(
        table.update().where(table.c.id == sa.bindparam("pid")).values(
            notes="", token=sa.bindparam("new_token")),
        [{"pid": pid, "new_token": _dead_token()} for pid in ids])
    _run(sa.update(Review).where(Review.proposal_id.in_(ids), Review.comment != "")
         .values(comment=""))
    _expire(Proposal, set(ids))
    _expire(Review, None)


def _dead_token() -> str:
    # A fresh random secret nobody was ever given: the old link finds nothing.
    return DEAD_PREFIX + secrets.token_urlsafe(48)[:63]


def _run(statement):
    return db.session.execute(statement.execution_options(**_NO_SYNC))


def _expire(model, ids: set[int] | None) -> None:
    # Objects already in the session must not write their old values back.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, model) and (ids is None or obj.id in ids):
            db.session.expire(obj)
