"""A held decision is held everywhere: not shown, not confirmable, released per proposal."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import (
    DecisionKind,
    OutboxMessage,
    OutboxStatus,
    ProposalState,
    Registration,
    Session,
)
from conference.services.cfp import decisions


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


def _statuses(proposal) -> set[OutboxStatus]:
    db.session.expire_all()
    return set(db.session.execute(
        db.select(OutboxMessage.status).where(OutboxMessage.recipient.in_(
            [s.email for s in proposal.speakers]), OutboxMessage.kind.in_(
            decisions.DECISION_KINDS))).scalars())


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_held_acceptance_looks_under_review_and_cannot_be_confirmed_or_declined(
        event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    db.session.commit()
    assert decisions.is_decision_held(proposal)
    assert decisions.state_for_speaker(proposal) is ProposalState.UNDER_REVIEW
    for answer in (decisions.confirm_participation, decisions.decline_participation):
        with pytest.raises(decisions.DecisionHeld) as refused:
            answer(proposal)
        assert refused.value.code == "decision_held"
        db.session.rollback()
    assert proposal.state is ProposalState.ACCEPTED
    assert (_count(Session), _count(Registration)) == (0, 0)


def test_once_released_the_acceptance_shows_and_can_be_confirmed(event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    assert decisions.release_decision_emails(event, [proposal]) == 1
    db.session.commit()
    assert not decisions.is_decision_held(proposal)
    assert decisions.state_for_speaker(proposal) is ProposalState.ACCEPTED
    session = decisions.confirm_participation(proposal)
    db.session.commit()
    assert proposal.state is ProposalState.CONFIRMED and session.title == proposal.title


def test_held_rejection_looks_under_review_until_released(event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.REJECTED)
    db.session.commit()
    assert decisions.state_for_speaker(proposal) is ProposalState.UNDER_REVIEW
    decisions.release_decision_emails(event)
    db.session.commit()
    assert decisions.state_for_speaker(proposal) is ProposalState.REJECTED


def test_releasing_chosen_proposals_leaves_the_others_held(event, make_proposal):
    first = make_proposal(event, co_speakers=["jonas@example.de"])
    second, third = make_proposal(event), make_proposal(event)
    decisions.decide([first, second], DecisionKind.ACCEPTED)
    decisions.decide([third], DecisionKind.REJECTED)
    db.session.commit()
    assert decisions.held_proposal_ids(event) == {first.id, second.id, third.id}

    assert decisions.release_decision_emails(event, [first, third]) == 3  # two speakers + one
    db.session.commit()
    assert decisions.held_proposal_ids(event) == {second.id}
    assert _statuses(first) == _statuses(third) == {OutboxStatus.PENDING}
    assert _statuses(second) == {OutboxStatus.HELD}
    assert decisions.release_decision_emails(event, [first]) == 0  # nothing held any more


def test_releasing_another_events_proposal_releases_nothing(event, make_event, make_cfp,
                                                            make_proposal):
    other = make_event()
    make_cfp(other)
    foreign = make_proposal(other)
    decisions.decide([foreign], DecisionKind.ACCEPTED)
    db.session.commit()
    assert decisions.release_decision_emails(event, [foreign]) == 0
    db.session.commit()
    assert decisions.is_decision_held(foreign)
