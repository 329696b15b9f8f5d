"""Submitting, editing and withdrawing proposals; co-speakers; speaker profiles."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    OutboxMessage,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    SessionType,
    Speaker,
)
from conference.services.cfp import proposals as cfp
from conference.services.cfp import settings as cfp_settings
from tests.fixtures.cfp import CLOSES, NOW, OPENS, image_bytes


def _fields(event, **overrides) -> cfp.ProposalFields:
    values = {"title": "Spatial transcriptomics of the tumour niche", "abstract": "We map it.",
              "session_type": SessionType.TALK,
              "track_id": cfp_settings.offered_tracks(event)[0].id, "duration_minutes": 20}
    values.update(overrides)
    return cfp.ProposalFields(**values)


def _profile(**overrides) -> cfp.SpeakerProfile:
    values = {"name": "Zofia Kamińska", "email": "Zofia@Example.org",
              "affiliation": "AGH University of Krakow"}
    values.update(overrides)
    return cfp.SpeakerProfile(**values)


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_submission_saves_proposal_and_submitter_and_queues_acknowledgement(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    proposal = cfp.submit_proposal(event, _fields(event), _profile(), now=NOW)
    db.session.commit()
    assert proposal.state is ProposalState.SUBMITTED
    assert proposal.submitter.email == "zofia@example.org"
    ack = db.session.execute(db.select(OutboxMessage).filter_by(kind="cfp.received")).scalar_one()
    assert ack.recipient == "zofia@example.org"
    assert f"/e/{event.slug}/cfp/p/{proposal.token}" in ack.body_text


def test_submission_after_deadline_is_refused_and_saves_nothing(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    with pytest.raises(cfp.CfpClosed):
        cfp.submit_proposal(event, _fields(event), _profile(), now=CLOSES)
    db.session.rollback()
    assert _count(Proposal) == 0 and _count(Speaker) == 0 and _count(OutboxMessage) == 0


def test_submission_before_opening_is_refused(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    with pytest.raises(cfp.CfpClosed):
        cfp.submit_proposal(event, _fields(event), _profile(),
                            now=OPENS - dt.timedelta(seconds=1))


def test_session_type_not_offered_is_refused(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    with pytest.raises(cfp.InvalidChoice):
        cfp.submit_proposal(event, _fields(event, session_type=SessionType.KEYNOTE), _profile(),
                            now=NOW)


def test_co_speakers_get_their_own_link_by_email(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    proposal = cfp.submit_proposal(event, _fields(event), _profile(),
                                   co_speaker_emails=["jonas@example.de", "zofia@example.org"],
                                   now=NOW)
    db.session.commit()
    assert [s.email for s in proposal.speakers] == ["zofia@example.org", "jonas@example.de"]
    co = proposal.speakers[1]
    invite = db.session.execute(
        db.select(OutboxMessage).filter_by(kind="cfp.co_speaker")).scalar_one()
    assert invite.recipient == "jonas@example.de"
    assert f"/e/{event.slug}/speaker/{co.token}" in invite.body_text
    assert co.token != proposal.submitter.token


def test_co_speaker_confirms_through_their_link(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event, co_speakers=["lena@example.de"])
    co = proposal.speakers[1]
    co.name = "Lena Nowak"
    cfp.confirm_co_speaking(co, proposal, now=NOW)
    link = db.session.execute(db.select(ProposalSpeaker).filter_by(speaker_id=co.id)).scalar_one()
    assert link.confirmed_at is not None


def test_a_stranger_cannot_confirm_as_co_speaker(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event)
    other = make_proposal(event).submitter
    with pytest.raises(cfp.CfpError):
        cfp.confirm_co_speaking(other, proposal)


def test_existing_speaker_profile_is_not_overwritten_by_a_new_submission(make_event, make_cfp,
                                                                         make_proposal):
    event = make_event()
    make_cfp(event)
    first = make_proposal(event, email="anna@example.org", name="Anna Nowak")
    cfp.submit_proposal(event, _fields(event), _profile(email="anna@example.org", name="Mallory"),
                        now=NOW)
    db.session.commit()
    db.session.refresh(first.submitter)
    assert first.submitter.name == "Anna Nowak"


def test_edit_until_deadline_then_locked(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event)
    cfp.edit_proposal(proposal, _fields(event, title="New title"), now=NOW)
    assert proposal.title == "New title"
    with pytest.raises(cfp.CfpClosed):
        cfp.edit_proposal(proposal, _fields(event, title="Too late"), now=CLOSES)


def test_withdraw_sets_state_and_cannot_be_repeated(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event)
    cfp.withdraw_proposal(proposal, now=NOW)
    assert proposal.state is ProposalState.WITHDRAWN
    with pytest.raises(cfp.ProposalLocked):
        cfp.withdraw_proposal(proposal, now=NOW)


def test_proposal_token_of_another_event_finds_nothing(make_event, make_cfp, make_proposal):
    event, other = make_event(), make_event()
    make_cfp(event)
    proposal = make_proposal(event)
    assert cfp.find_proposal_by_token(event, proposal.token) is proposal
    assert cfp.find_proposal_by_token(other, proposal.token) is None
    assert cfp.find_proposal_by_token(event, "x" * 32) is None


def test_settings_refuse_closing_before_opening(make_event):
    event = make_event()
    with pytest.raises(cfp.CfpError):
        cfp_settings.save_cfp_settings(event, opens_at=CLOSES, closes_at=OPENS,
                              session_types={SessionType.TALK: 20}, track_ids=[])


def test_unavailability_must_end_after_it_starts(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    speaker = make_proposal(event).submitter
    with pytest.raises(cfp.UnavailabilityInvalid):
        cfp.add_unavailability(speaker, NOW, NOW)
    span = cfp.add_unavailability(speaker, NOW, NOW + dt.timedelta(hours=2), "flight")
    db.session.commit()
    assert speaker.unavailability == [span]


def test_invited_speaker_is_public_without_a_proposal(make_event):
    event = make_event()
    speaker = cfp.add_invited_speaker(event, _profile(photo=image_bytes()))
    db.session.commit()
    assert cfp.public_speakers(event) == [speaker]
    assert speaker.photo_filename.endswith(".jpg")


def test_submitter_with_unconfirmed_proposal_is_not_public(make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    make_proposal(event)
    assert cfp.public_speakers(event) == []
