"""Reviewing proposals: reviewer assignments, scores, who sees which reviews, statistics."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import (
    Event,
    Proposal,
    ProposalState,
    Review,
    ReviewCriterion,
    ReviewerAssignment,
    ReviewScore,
    Role,
    Track,
    User,
)
from conference.models.speakers import REVIEWABLE_STATES
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.cfp.settings import get_cfp_settings


class ReviewError(DomainError):
    code = "review_invalid"


class NotAssigned(ReviewError):
    code = "not_assigned"


class ReviewClosed(ReviewError):
    code = "review_closed"


def criteria_of(event: Event) -> list[ReviewCriterion]:
    return list(db.session.execute(
        db.select(ReviewCriterion).filter_by(event_id=event.id)
        .order_by(ReviewCriterion.position, ReviewCriterion.id)
    ).scalars())


def add_criterion(event: Event, name: LocalizedText | str,
                  description: LocalizedText | str = "") -> ReviewCriterion:
    """A new scoring criterion, placed last."""
    name = clean_text(name)
    if not name:
        raise ReviewError(_l("A name is required."), field="name")
    position = len(criteria_of(event))
    criterion = ReviewCriterion(event_id=event.id, name=name,
                                description=clean_text(description), position=position)
    db.session.add(criterion)
    return criterion


def remove_criterion(criterion: ReviewCriterion) -> None:
    """Delete a criterion with its scores (explicitly: SQLite does not cascade by itself)."""
    db.session.execute(db.delete(ReviewScore).where(ReviewScore.criterion_id == criterion.id))
    db.session.delete(criterion)
    db.session.flush()
    db.session.expire_all()


def assignments_of(event: Event) -> list[ReviewerAssignment]:
    return list(db.session.execute(
        db.select(ReviewerAssignment).filter_by(event_id=event.id).order_by(ReviewerAssignment.id)
    ).scalars())


def assign_reviewer(event: Event, user: User, track: Track | None = None) -> ReviewerAssignment:
    """Let a reviewer of the event review all its proposals (``track`` None) or one track's."""
    if user.role is not Role.REVIEWER or not any(e.id == event.id for e in user.events):
        raise ReviewError(_l("Only reviewers on the event's staff can be assigned."),
                          field="reviewer")
    if track is not None and track.event_id != event.id:
        raise ReviewError(_l("Unknown track."), field="track")
    for existing in assignments_of(event):
        if existing.user_id == user.id and existing.track_id == (track.id if track else None):
            raise ReviewError(_l("This reviewer is already assigned."), field="reviewer")
    assignment = ReviewerAssignment(event_id=event.id, user=user, track=track)
    db.session.add(assignment)
    return assignment


def reviewable_proposals(event: Event, user: User) -> list[Proposal]:
    """Proposals ``user`` may review: organizers all, reviewers those assigned to them."""
    query = db.select(Proposal).where(
        Proposal.event_id == event.id, Proposal.state.in_(REVIEWABLE_STATES)
    ).order_by(Proposal.id)
    if not user.can_manage(event):
        mine = [a for a in assignments_of(event) if a.user_id == user.id]
        if not mine:
            return []
        if all(a.track_id is not None for a in mine):
            query = query.where(Proposal.track_id.in_([a.track_id for a in mine]))
    return list(db.session.execute(query).scalars())


def may_review(user: User, proposal: Proposal) -> bool:
    return any(p.id == proposal.id for p in reviewable_proposals(proposal.event, user))


def review_by(proposal: Proposal, user: User) -> Review | None:
    return next((r for r in proposal.reviews if r.user is user or r.user_id == user.id), None)


def submit_review(
    proposal: Proposal, user: User, scores: dict[int, int], comment: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """Save (or replace) ``user``'s review: a score 1..5 for every criterion of the event."""
    if proposal.state not in REVIEWABLE_STATES:
        raise ReviewClosed(_l("This proposal is no longer under review."))
    if not may_review(user, proposal):
        raise NotAssigned(_l("You are not assigned to this proposal."))
    criteria = criteria_of(proposal.event)
    if not criteria:
        raise ReviewError(_l("The organizers have not defined review criteria yet."))
    for criterion in criteria:
        score = scores.get(criterion.id)
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise ReviewError(_l("Give every criterion a score from 1 to 5."),
                              field=f"criterion_{criterion.id}")
    review = review_by(proposal, user)
    if review is None:
        review = Review(user=user)
        proposal.reviews.append(review)
    review.comment = comment.strip()
    review.submitted_at = now or utcnow()
    review.scores = [ReviewScore(criterion=c, score=scores[c.id]) for c in criteria]
    if proposal.state is ProposalState.SUBMITTED:
        proposal.state = ProposalState.UNDER_REVIEW
    return review


def visible_reviews(proposal: Proposal, user: User) -> list[Review]:
    """The reviews ``user`` may read: organizers all; reviewers their own, and the others'
    once they have submitted their own when the event hides them until then."""
    if user.can_manage(proposal.event):
        return list(proposal.reviews)
    own = review_by(proposal, user)
    settings = get_cfp_settings(proposal.event)
    hide = settings is None or settings.hide_reviews_until_own
    if hide and own is None:
        return []
    return list(proposal.reviews)


def is_anonymous_for(proposal: Proposal, user: User) -> bool:
    """Speaker names and affiliations are hidden from this (non-organizer) reviewer."""
    settings = get_cfp_settings(proposal.event)
    return bool(settings and settings.anonymous_review and not user.can_manage(proposal.event))


@dataclass
class ProposalStats:
    count: int
    mean: float | None
    median: float | None


def proposal_stats(proposal: Proposal) -> ProposalStats:
    """Number of reviews and the mean and median of their overall scores."""
    overall = [r.overall for r in proposal.reviews if r.overall is not None]
    if not overall:
        return ProposalStats(len(proposal.reviews), None, None)
    return ProposalStats(len(proposal.reviews), statistics.fmean(overall),
                         statistics.median(overall))


def next_proposal_for(event: Event, user: User) -> Proposal | None:
    """The proposal ``user`` has not reviewed yet with the fewest reviews (oldest first)."""
    candidates = [p for p in reviewable_proposals(event, user) if review_by(p, user) is None]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (len(p.reviews), p.id))
