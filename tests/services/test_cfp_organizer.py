"""Organizers' rights on the call: editing proposals at any time, hiding speakers."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import DecisionKind, OutboxMessage, ProposalState, SessionType
from conference.services.cfp import decisions
from conference.services.cfp import proposals as cfp
from conference.services.cfp import settings as cfp_settings
from conference.services.cfp.organizer import edit_proposal_as_organizer, set_speaker_visibility
from tests.fixtures.agenda import local
from tests.fixtures.cfp import CLOSES, NOW


def test_hiding_a_speaker_takes_them_off_the_public_lists_and_showing_brings_them_back(
        make_event, make_speaker, make_session):
    event = make_event()
    hidden, shown = make_speaker(event), make_speaker(event)
    session = make_session(event, speakers=[hidden, shown])

    set_speaker_visibility(hidden, False)
    db.session.commit()
    assert cfp.public_speakers(event) == [shown]
    assert session.public_speakers == [shown]
    assert set(session.speakers) == {hidden, shown}  # still in the session

    set_speaker_visibility(hidden, True)
    db.session.commit()
    assert set(cfp.public_speakers(event)) == {hidden, shown}
    assert set(session.public_speakers) == {hidden, shown}


# --- Editing proposals --------------------------------------------------------------------

@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


def _fields(proposal, **changes) -> cfp.ProposalFields:
    values = {"title": proposal.title, "abstract": proposal.abstract,
              "session_type": proposal.session_type, "track_id": proposal.track_id,
              "duration_minutes": proposal.duration_minutes, "language": proposal.language,
              "notes": proposal.notes}
    values.update(changes)
    return cfp.ProposalFields(**values)


def _confirmed(event, make_proposal):
    proposal = make_proposal(event, title="Tardigrades in space", abstract="They *survive*.")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    session = decisions.confirm_participation(proposal)
    db.session.commit()
    return proposal, session


def test_organizer_edits_a_proposal_after_the_call_closed(event, make_proposal):
    proposal = make_proposal(event)
    after_deadline = CLOSES + dt.timedelta(days=3)
    with pytest.raises(cfp.CfpClosed):  # the speaker may not any more
        cfp.edit_proposal(proposal, _fields(proposal, title="Fixed typo"), now=after_deadline)
    db.session.rollback()

    session = edit_proposal_as_organizer(proposal, _fields(proposal, title="  Fixed typo "),
                                         now=after_deadline)
    db.session.commit()
    assert session is None
    assert proposal.title == "Fixed typo"
    assert proposal.updated_at == after_deadline


def test_organizer_edits_a_proposal_after_the_decision(event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.REJECTED)
    db.session.commit()
    with pytest.raises(cfp.ProposalLocked):
        cfp.edit_proposal(proposal, _fields(proposal, abstract="New"), now=NOW)
    db.session.rollback()
    edit_proposal_as_organizer(proposal, _fields(proposal, abstract="New"), now=NOW)
    db.session.commit()
    assert proposal.abstract == "New" and proposal.state is ProposalState.REJECTED


def test_organizer_edit_emails_nobody(event, make_proposal):
    proposal = make_proposal(event)
    before = db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one()
    edit_proposal_as_organizer(proposal, _fields(proposal, title="Quiet fix"))
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one() == before


@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"title": "   "}, cfp.CfpError, "title"),
    ({"session_type": SessionType.KEYNOTE}, cfp.InvalidChoice, "session_type"),
    ({"track_id": None}, cfp.InvalidChoice, "track"),
    ({"duration_minutes": 481}, cfp.CfpError, "duration"),
])
def test_refused_fields_change_nothing_and_name_the_field(event, make_proposal, changes,
                                                          error, field):
    proposal = make_proposal(event, title="Original title")
    snapshot = _fields(proposal)
    with pytest.raises(error) as refused:
        edit_proposal_as_organizer(proposal, _fields(proposal, abstract="Changed", **changes))
    assert refused.value.details["field"] == field and str(refused.value.message)
    assert _fields(proposal) == snapshot  # untouched even before the caller's rollback


def test_a_track_of_the_programme_not_offered_in_the_call_is_refused(event, make_proposal,
                                                                      make_track):
    proposal = make_proposal(event)
    other = make_track(event, name="Not in the call")
    with pytest.raises(cfp.InvalidChoice):
        edit_proposal_as_organizer(proposal, _fields(proposal, track_id=other.id))


def test_the_session_of_a_confirmed_proposal_follows_the_edit_in_the_same_transaction(
        event, make_proposal, make_room):
    proposal, session = _confirmed(event, make_proposal)
    room = make_room(event)
    session.room, session.starts_at = room, local(event.starts_on, "10:00")
    session.ends_at = local(event.starts_on, "10:20")
    db.session.commit()
    workshop_track = cfp_settings.offered_tracks(event)[1]

    changes = {"title": "Tardigrades in orbit", "abstract": "They *thrive*.",
               "session_type": SessionType.WORKSHOP, "track_id": workshop_track.id,
               "language": "pl", "duration_minutes": 90}
    assert edit_proposal_as_organizer(proposal, _fields(proposal, **changes)) is session
    db.session.flush()
    assert (session.title, session.abstract, session.session_type, session.track_id,
            session.language) == ("Tardigrades in orbit", "They *thrive*.",
                                  SessionType.WORKSHOP, workshop_track.id, "pl")
    db.session.rollback()  # one transaction: both go back together
    assert (proposal.title, session.title) == ("Tardigrades in space", "Tardigrades in space")

    edit_proposal_as_organizer(proposal, _fields(proposal, **changes))
    db.session.commit()
    db.session.expire_all()
    assert session.title == "Tardigrades in orbit" and session.track.id == workshop_track.id
    assert (session.room, session.starts_at, session.ends_at) == (
        room, local(event.starts_on, "10:00"), local(event.starts_on, "10:20"))


def test_session_fields_the_organizer_did_not_change_keep_the_programmes_values(
        event, make_proposal):
    proposal, session = _confirmed(event, make_proposal)
    session.title = "Tardigrades (keynote slot)"  # renamed in the programme
    db.session.commit()
    edit_proposal_as_organizer(proposal, _fields(proposal, abstract="They *thrive*."))
    db.session.commit()
    assert session.title == "Tardigrades (keynote slot)"
    assert session.abstract == "They *thrive*."
