"""Reviewer assignments, scores, visibility of others' reviews, statistics."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import ProposalState, Role, Track
from conference.services.cfp import reviews
from conference.services.cfp.settings import get_cfp_settings


@pytest.fixture
def setup(make_event, make_cfp, make_user):
    event = make_event()
    make_cfp(event)
    reviewer = make_user(Role.REVIEWER, events=[event])
    return event, reviewer


def _scores(event, *values):
    return {c.id: v for c, v in zip(reviews.criteria_of(event), values, strict=True)}


def test_only_reviewers_on_the_event_staff_can_be_assigned(setup, make_user, make_event):
    event, _ = setup
    outsider = make_user(Role.REVIEWER, events=[make_event()])
    door = make_user(Role.DOOR, events=[event])
    for user in (outsider, door):
        with pytest.raises(reviews.ReviewError):
            reviews.assign_reviewer(event, user)


def test_track_assignment_limits_the_proposals_a_reviewer_sees(setup, make_proposal):
    event, reviewer = setup
    biotech, medtech = db.session.execute(
        db.select(Track).filter_by(event_id=event.id).order_by(Track.name)).scalars().all()
    bio = make_proposal(event, track=biotech)
    make_proposal(event, track=medtech)
    reviews.assign_reviewer(event, reviewer, biotech)
    assert reviews.reviewable_proposals(event, reviewer) == [bio]


def test_unassigned_reviewer_sees_nothing_and_cannot_review(setup, make_proposal):
    event, reviewer = setup
    proposal = make_proposal(event)
    assert reviews.reviewable_proposals(event, reviewer) == []
    with pytest.raises(reviews.NotAssigned):
        reviews.submit_review(proposal, reviewer, _scores(event, 3, 4))


def test_review_needs_every_criterion_scored_1_to_5(setup, make_proposal):
    event, reviewer = setup
    reviews.assign_reviewer(event, reviewer)
    proposal = make_proposal(event)
    for bad in ({}, _scores(event, 3, 6), _scores(event, 0, 3)):
        with pytest.raises(reviews.ReviewError):
            reviews.submit_review(proposal, reviewer, bad)
    assert proposal.reviews == []


def test_first_review_puts_proposal_under_review_and_resubmitting_replaces(setup, make_proposal):
    event, reviewer = setup
    reviews.assign_reviewer(event, reviewer)
    proposal = make_proposal(event)
    reviews.submit_review(proposal, reviewer, _scores(event, 2, 2), "meh")
    reviews.submit_review(proposal, reviewer, _scores(event, 4, 5), "better")
    db.session.commit()
    assert proposal.state is ProposalState.UNDER_REVIEW
    assert len(proposal.reviews) == 1
    assert proposal.reviews[0].overall == 4.5


def test_others_reviews_hidden_until_own_is_submitted(setup, make_proposal, make_user):
    event, reviewer = setup
    other = make_user(Role.REVIEWER, events=[event])
    for user in (reviewer, other):
        reviews.assign_reviewer(event, user)
    proposal = make_proposal(event)
    reviews.submit_review(proposal, other, _scores(event, 5, 5))
    assert reviews.visible_reviews(proposal, reviewer) == []
    reviews.submit_review(proposal, reviewer, _scores(event, 1, 1))
    assert len(reviews.visible_reviews(proposal, reviewer)) == 2


def test_others_reviews_visible_at_once_when_the_event_allows(setup, make_proposal, make_user):
    event, reviewer = setup
    get_cfp_settings(event).hide_reviews_until_own = False
    other = make_user(Role.REVIEWER, events=[event])
    for user in (reviewer, other):
        reviews.assign_reviewer(event, user)
    proposal = make_proposal(event)
    reviews.submit_review(proposal, other, _scores(event, 5, 5))
    assert len(reviews.visible_reviews(proposal, reviewer)) == 1


def test_organizers_see_every_review(setup, make_proposal, make_user):
    event, reviewer = setup
    organizer = make_user(Role.ORGANIZER, events=[event])
    reviews.assign_reviewer(event, reviewer)
    proposal = make_proposal(event)
    reviews.submit_review(proposal, reviewer, _scores(event, 3, 3))
    assert len(reviews.visible_reviews(proposal, organizer)) == 1


def test_stats_give_count_mean_and_median(setup, make_proposal, make_user):
    event, _ = setup
    proposal = make_proposal(event)
    for values in ((1, 1), (2, 4), (5, 5)):  # overall 1, 3, 5... and one more below
        user = make_user(Role.REVIEWER, events=[event])
        reviews.assign_reviewer(event, user)
        reviews.submit_review(proposal, user, _scores(event, *values))
    user = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, user)
    reviews.submit_review(proposal, user, _scores(event, 5, 4))  # 4.5
    stats = reviews.proposal_stats(proposal)
    assert stats.count == 4
    assert stats.mean == pytest.approx((1 + 3 + 5 + 4.5) / 4)
    assert stats.median == pytest.approx(3.75)


def test_stats_of_unreviewed_proposal_are_empty(setup, make_proposal):
    event, _ = setup
    stats = reviews.proposal_stats(make_proposal(event))
    assert (stats.count, stats.mean, stats.median) == (0, None, None)


def test_next_proposal_is_the_unreviewed_one_with_fewest_reviews(setup, make_proposal, make_user):
    event, reviewer = setup
    other = make_user(Role.REVIEWER, events=[event])
    for user in (reviewer, other):
        reviews.assign_reviewer(event, user)
    busy, quiet, done = make_proposal(event), make_proposal(event), make_proposal(event)
    reviews.submit_review(busy, other, _scores(event, 3, 3))
    reviews.submit_review(done, reviewer, _scores(event, 3, 3))
    assert reviews.next_proposal_for(event, reviewer) is quiet
    reviews.submit_review(quiet, reviewer, _scores(event, 3, 3))
    assert reviews.next_proposal_for(event, reviewer) is busy
    reviews.submit_review(busy, reviewer, _scores(event, 3, 3))
    assert reviews.next_proposal_for(event, reviewer) is None


def test_withdrawn_proposal_cannot_be_reviewed(setup, make_proposal):
    event, reviewer = setup
    reviews.assign_reviewer(event, reviewer)
    proposal = make_proposal(event)
    proposal.state = ProposalState.WITHDRAWN
    with pytest.raises(reviews.ReviewClosed):
        reviews.submit_review(proposal, reviewer, _scores(event, 3, 3))
