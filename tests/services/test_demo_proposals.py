"""The demo's call-for-proposals step fills every proposal state."""

from __future__ import annotations

from conference.demo import load_demo
from conference.extensions import db
from conference.models import Proposal, ProposalState, Session, Speaker


def test_demo_has_proposals_in_every_state_and_confirmed_sessions(app):
    load_demo()
    states = db.session.execute(
        db.select(Proposal.state, db.func.count()).group_by(Proposal.state)).all()
    counts = dict(states)
    for state in (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED,
                  ProposalState.REJECTED, ProposalState.CONFIRMED, ProposalState.WITHDRAWN):
        assert counts.get(state, 0) >= 10, state
    unscheduled = db.session.execute(
        db.select(db.func.count()).select_from(Session).where(Session.starts_at.is_(None))
    ).scalar_one()
    assert unscheduled >= counts[ProposalState.CONFIRMED]
    assert db.session.execute(
        db.select(db.func.count()).select_from(Speaker).where(Speaker.is_invited)).scalar_one()
