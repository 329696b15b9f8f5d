"""What organizers may do to proposals and speakers beyond the speakers' own rights."""

from __future__ import annotations

import datetime as dt

from conference.models import Proposal, Session, Speaker
from conference.models.types import utcnow
from conference.services.cfp.decisions import SESSION_FIELDS_FROM_PROPOSAL
from conference.services.cfp.proposals import (
    ProposalFields,
    apply_proposal_fields,
    check_proposal_fields,
)


def edit_proposal_as_organizer(
    proposal: Proposal, fields: ProposalFields, *, now: dt.datetime | None = None
) -> Session | None:
    """An organizer changes a proposal: unlike its speaker, at any time (after the call
    closed, after a decision), with the same checks (``CfpError`` and nothing changed).

    When the proposal is already a session of the programme, each field the session copied
    from it (``SESSION_FIELDS_FROM_PROPOSAL``) and the organizer changed now changes in the
    session too, in the same transaction; the session's other values (times, room, and the
    copied fields left alone) stay as the programme has them. Returns that session, if any.
    """
    check_proposal_fields(proposal.event, fields)
    before = {name: getattr(proposal, name) for name in SESSION_FIELDS_FROM_PROPOSAL}
    apply_proposal_fields(proposal, fields)
    proposal.updated_at = now or utcnow()
    session = proposal.session
    if session is not None:
        for name, old in before.items():
            if getattr(proposal, name) != old:
                setattr(session, name, getattr(proposal, name))
    return session


def set_speaker_visibility(speaker: Speaker, public: bool) -> Speaker:
    """Show or hide a speaker on every public page and export: the speakers pages, the
    programme, session pages, hall screens, iCalendar, JSON and schedule XML (all read
    ``Speaker.is_public``). Organizers keep seeing a hidden speaker, marked, in the back
    office; the speaker's own private pages are unchanged."""
    speaker.is_public = public
    return speaker
